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
    "signIn.disabled": ("Bu hesab bağlanıb: onunla artıq daxil olmaq mümkün deyil. İnzibatçıya müraciət edin.", "This account has been disabled: it can no longer sign in. Ask an administrator.", "Эта учётная запись отключена: войти с ней больше нельзя. Обратитесь к администратору."),
    "code.title": ("Təsdiq kodu", "Authenticator code", "Код подтверждения"),
    "code.intro": ("Autentifikator tətbiqindəki 6 rəqəmli kodu və ya bərpa kodlarından birini daxil edin.", "Enter the 6-digit code from your authenticator app, or one of your recovery codes.", "Введите 6-значный код из приложения-аутентификатора или один из кодов восстановления."),
    "code.label": ("Kod", "Code", "Код"),
    "code.button": ("Təsdiq et", "Verify", "Подтвердить"),
    "code.failed": ("Kod yanlışdır və ya vaxtı keçib.", "The code is wrong or has expired.", "Код неверен или устарел."),
    "code.required": ("Kodu daxil edin.", "Enter the code.", "Введите код."),
    "security.title": ("Hesabın təhlükəsizliyi", "Account security", "Безопасность учётной записи"),
    "security.session": ("Sessiya {0} dəqiqə fəaliyyətsizlikdən sonra bitir.", "Your session ends after {0} minutes without activity.", "Сеанс завершается после {0} минут бездействия."),
    "security.mustEnrol": ("Rolunuz üçün iki mərhələli giriş tələb olunur: davam etmək üçün onu indi qurun.", "Your role requires two-step sign-in: set it up now to continue.", "Для вашей роли требуется двухэтапный вход: настройте его сейчас, чтобы продолжить."),
    "security.twoFactor": ("İki mərhələli giriş", "Two-step sign-in", "Двухэтапный вход"),
    "security.twoFactorOn": ("İki mərhələli giriş aktivdir.", "Two-step sign-in is on.", "Двухэтапный вход включён."),
    "security.twoFactorOff": ("İki mərhələli giriş aktiv deyil.", "Two-step sign-in is off.", "Двухэтапный вход выключен."),
    "security.enrolSteps": ("Autentifikator tətbiqinə (məsələn, FreeOTP, Google Authenticator) bu açarı daxil edin və ya ünvanı açın, sonra tətbiqin göstərdiyi kodu yazın.", "Add this key to an authenticator app (for example FreeOTP or Google Authenticator), or open the address, then type the code the app shows.", "Добавьте этот ключ в приложение-аутентификатор (например, FreeOTP или Google Authenticator) или откройте адрес, затем введите код из приложения."),
    "security.key": ("Açar", "Key", "Ключ"),
    "security.uri": ("Ünvan", "Address", "Адрес"),
    "security.enable": ("Aktivləşdir", "Turn on", "Включить"),
    "security.codeInvalid": ("Kod uyğun gəlmir. Tətbiqdəki cari kodu yazın.", "The code does not match. Type the app's current code.", "Код не подходит. Введите текущий код из приложения."),
    "security.enabled": ("İki mərhələli giriş aktivləşdirildi.", "Two-step sign-in is now on.", "Двухэтапный вход включён."),
    "security.recoveryCodes": ("Bərpa kodları: onları indi saxlayın, bir daha göstərilməyəcək. Hər biri telefonunuz olmadıqda bir dəfə işləyir.", "Recovery codes: keep them now, they are not shown again. Each works once when you do not have your phone.", "Коды восстановления: сохраните их сейчас, они больше не будут показаны. Каждый срабатывает один раз, если телефона нет под рукой."),
    "security.password": ("Şifrəni dəyişin", "Change password", "Смена пароля"),
    "security.currentPassword": ("Cari şifrə", "Current password", "Текущий пароль"),
    "security.newPassword": ("Yeni şifrə", "New password", "Новый пароль"),
    "security.confirmPassword": ("Yeni şifrə təkrar", "New password again", "Новый пароль ещё раз"),
    "security.passwordRules": ("Ən azı {0} simvol, böyük və kiçik hərf və rəqəm.", "At least {0} characters, with upper- and lower-case letters and a digit.", "Не менее {0} символов, заглавные и строчные буквы и цифра."),
    "security.passwordButton": ("Şifrəni dəyiş", "Change password", "Сменить пароль"),
    "security.passwordMismatch": ("Yeni şifrələr eyni deyil.", "The new passwords are not the same.", "Новые пароли не совпадают."),
    "security.passwordRequired": ("Cari və yeni şifrəni daxil edin.", "Enter the current and the new password.", "Введите текущий и новый пароль."),
    "security.passwordChanged": ("Şifrə dəyişdirildi.", "The password has been changed.", "Пароль изменён."),
}

if __name__ == "__main__":
    write_resx(os.path.join(os.path.dirname(__file__), "AccountTexts"), TEXTS)
