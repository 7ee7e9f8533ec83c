# The shared texts (layout, navigation, vocabularies). Edit here, then run:
#   python3 src/DeviceRegistry.Web/Resources/Localization/SharedTexts.py
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../../../tools"))
from resx import write_resx

TEXTS = {
    "siteName": ("Mobil Cihazların Qeydiyyatı", "Mobile Device Registry", "Реестр мобильных устройств"),
    "backOffice": ("İdarəetmə paneli", "Back office", "Служебный раздел"),
    "languageChoice": ("Dil", "Language", "Язык"),
    "nav.queue": ("Müraciətlər", "Appeals", "Обращения"),
    "nav.intake": ("Yeni müraciət", "New appeal", "Новое обращение"),
    "nav.statistics": ("Statistika", "Statistics", "Статистика"),
    "nav.audit": ("Audit jurnalı", "Audit log", "Журнал аудита"),
    "nav.staff": ("Əməkdaşlar", "Staff", "Сотрудники"),
    "nav.operators": ("Operatorlar", "Operators", "Операторы"),
    "nav.stolen": ("Oğurlanmış cihazlar", "Stolen devices", "Украденные устройства"),
    "nav.jobs": ("Planlı işlər", "Jobs", "Задания"),
    "nav.security": ("Təhlükəsizlik", "Security", "Безопасность"),
    "nav.signOut": ("Çıxış", "Sign out", "Выйти"),
    "signedInAs": ("Daxil olub: {0}", "Signed in as {0}", "Вы вошли как {0}"),
    "skipToContent": ("Əsas məzmuna keç", "Skip to content", "Перейти к содержанию"),
    "role.clerk": ("Poçt şöbəsi əməkdaşı", "Post-office clerk", "Сотрудник почтового отделения"),
    "role.reviewer": ("Analitik", "Reviewer", "Аналитик"),
    "role.supervisor": ("Rəhbər", "Supervisor", "Руководитель"),
    "role.admin": ("Administrator", "Administrator", "Администратор"),
    "appealStatus.New": ("Yeni", "New", "Новое"),
    "appealStatus.InReview": ("Baxılır", "In review", "На рассмотрении"),
    "appealStatus.InformationRequested": ("Məlumat tələb olunub", "Information requested", "Запрошены сведения"),
    "appealStatus.AwaitingConfirmation": ("Təsdiq gözləyir", "Awaiting confirmation", "Ожидает подтверждения"),
    "appealStatus.Approved": ("Təmin edilib", "Approved", "Удовлетворено"),
    "appealStatus.Rejected": ("Rədd edilib", "Rejected", "Отклонено"),
    "appealStatus.Closed": ("Bağlanıb", "Closed", "Закрыто"),
    "appealReason.NumberChange": ("Nömrə dəyişib", "Number changed", "Смена номера"),
    "appealReason.SimReplaced": ("SIM kart dəyişdirilib", "SIM replaced", "Замена SIM-карты"),
    "appealReason.BoughtSecondHand": ("İşlənmiş alınıb", "Bought second-hand", "Куплен с рук"),
    "appealReason.DeviceIsMine": ("Cihaz mənimdir", "The device is mine", "Устройство моё"),
    "appealReason.Other": ("Digər", "Other", "Другое"),
    "appealOutcome.Paired": ("SIM kartlar cütləşdirildi", "SIMs paired", "SIM-карты привязаны"),
    "appealOutcome.Lifted": ("Klon statusu götürüldü", "Clone status lifted", "Статус клона снят"),
    "appealOutcome.Rejected": ("Əsassız", "Unfounded", "Необоснованно"),
    "cloneStatus.Clone": ("Klon", "Clone", "Клон"),
    "cloneStatus.Cleared": ("Götürülüb", "Cleared", "Снят"),
    "documentType.IdCard": ("Şəxsiyyət vəsiqəsi", "ID card", "Удостоверение личности"),
    "documentType.Passport": ("Pasport", "Passport", "Паспорт"),
    "documentType.ResidencePermit": ("Yaşamaq icazəsi", "Residence permit", "Вид на жительство"),
    "documentType.TaxId": ("VÖEN", "Tax ID", "ИНН"),
    "accessDenied.title": ("Giriş qadağandır", "Access denied", "Доступ запрещён"),
    "accessDenied.text": ("Bu səhifə sizin rolunuz üçün deyil.", "This page is not for your role.", "Эта страница не для вашей роли."),
}

if __name__ == "__main__":
    write_resx(os.path.join(os.path.dirname(__file__), "SharedTexts"), TEXTS)
