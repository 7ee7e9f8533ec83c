# The sign-in and account pages' texts. Edit here, then run:
#   python3 src/DeviceRegistry.Web/Resources/Staff/AccountTexts.py
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../../../tools"))
from resx import write_resx

TEXTS = {
    "signIn.title": ("Əməkdaşların girişi", "Staff sign-in", "Вход для сотрудников"),
    "signIn.userName": ("İstifadəçi adı", "User name", "Имя пользователя"),
    "signIn.password": ("Şifrə", "Password", "Пароль"),
    "signIn.button": ("Daxil ol", "Sign in", "Войти"),
    "signIn.failed": ("İstifadəçi adı və ya şifrə yanlışdır.", "The user name or password is wrong.", "Неверное имя пользователя или пароль."),
    "signIn.lockedOut": ("Çoxlu uğursuz cəhd: hesab müvəqqəti bloklanıb. Sonra yenidən cəhd edin.", "Too many failed attempts: the account is locked for a while. Try again later.", "Слишком много неудачных попыток: учётная запись временно заблокирована. Повторите позже."),
    "signIn.notAllowed": ("Bu hesabla daxil olmaq mümkün deyil.", "This account cannot sign in.", "С этой учётной записью войти нельзя."),
    "signIn.required": ("İstifadəçi adını və şifrəni daxil edin.", "Enter your user name and password.", "Введите имя пользователя и пароль."),
}

if __name__ == "__main__":
    write_resx(os.path.join(os.path.dirname(__file__), "AccountTexts"), TEXTS)
