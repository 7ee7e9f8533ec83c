# The words of every refusal a member of staff (or a citizen, for an IMEI) is shown: one key per code of
# DeviceRegistry.Infrastructure.RefusalCodes (the core's one list), plus identity.* for ASP.NET Core
# Identity's password and user errors. {0}, {1}, ... are the refusal's arguments in the core's order.
# Edit here, then run:
#   python3 src/DeviceRegistry.Web/Resources/Localization/RefusalTexts.py
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../../../tools"))
from resx import write_resx

TEXTS = {
    # IMEI problems (Identifiers.ImeiProblem): the same words on the public page and in the back office.
    "imei.Empty": ("IMEI nömrəsini daxil edin.", "Please type an IMEI.", "Введите номер IMEI."),
    "imei.NotDigits": ("IMEI yalnız rəqəmlərdən ibarətdir.", "An IMEI has digits only.", "IMEI состоит только из цифр."),
    "imei.WrongLength": ("IMEI 15 rəqəmdən ibarətdir (14 rəqəm yoxlama rəqəmi olmadan və 16 rəqəmli IMEISV də qəbul olunur).", "An IMEI has 15 digits (14 without the check digit, or a 16-digit IMEISV, are accepted too).", "IMEI состоит из 15 цифр (принимаются также 14 цифр без контрольной и 16-значный IMEISV)."),
    "imei.CheckDigit": ("Son rəqəm yoxlama rəqəminə uyğun gəlmir: nömrəni yenidən yoxlayın, yəqin ki, bir rəqəm səhv yazılıb.", "The last digit does not match the check digit: please check the number, a digit was probably mistyped.", "Последняя цифра не совпадает с контрольной: проверьте номер, вероятно, одна цифра набрана с ошибкой."),
    "imei.Junk": ("Bu nömrə heç bir istehsalçıya verilməyib; saxta cihazlarda rast gəlinən nümunədir.", "No manufacturer was ever given this number; it is a pattern found on fake devices.", "Этот номер не выдавался ни одному производителю; такой шаблон встречается на поддельных устройствах."),

    # Filing an appeal.
    "appeal.documentType.required": ("Müraciət edənin şəxsiyyət sənədinin növünü seçin.", "Choose the type of the applicant's ID document.", "Выберите тип документа заявителя."),
    "appeal.documentType.notPerson": ("Müraciəti şəxs verir: şəxsiyyət vəsiqəsi, pasport və ya yaşayış icazəsi.", "An appeal is filed by a person: an ID card, passport or residence permit.", "Обращение подаёт физическое лицо: удостоверение личности, паспорт или вид на жительство."),
    "appeal.documentNumber.required": ("Müraciət edənin sənədinin nömrəsini daxil edin.", "The applicant's ID document number is required.", "Укажите номер документа заявителя."),
    "appeal.documentNumber.format": ("Sənədin nömrəsi 4-40 hərf və rəqəmdən ibarətdir.", "An ID document number is 4 to 40 letters and digits.", "Номер документа состоит из 4–40 букв и цифр."),
    "appeal.applicantName.required": ("Müraciət edənin adını daxil edin.", "The applicant's name is required.", "Укажите имя заявителя."),
    "appeal.applicantName.tooLong": ("Ad ən çoxu 200 simvoldan ibarət ola bilər.", "The applicant's name has at most 200 characters.", "Имя не может быть длиннее 200 символов."),
    "appeal.contactNumber.format": ("Əlaqə nömrəsi telefon nömrəsi olmalıdır (5-15 rəqəm, məsələn, +994 50 123 45 67).", "The contact number must be a phone number (5 to 15 digits, e.g. +994 50 123 45 67).", "Контактный номер должен быть номером телефона (5–15 цифр, например +994 50 123 45 67)."),
    "appeal.numbers.count": ("Müraciət edənin bu telefonda istifadə etdiyi 1-{0} nömrəni göstərin.", "Give 1 to {0} phone numbers the applicant uses in this phone.", "Укажите от 1 до {0} номеров, которые заявитель использует в этом телефоне."),
    "appeal.numbers.format": ("«{0}» telefon nömrəsi deyil (5-15 rəqəm, məsələn, +994 50 123 45 67).", "'{0}' is not a phone number (5 to 15 digits, e.g. +994 50 123 45 67).", "«{0}» — не номер телефона (5–15 цифр, например +994 50 123 45 67)."),
    "appeal.numbers.duplicate": ("Eyni telefon nömrəsi iki dəfə yazılıb.", "The same phone number is listed twice.", "Один и тот же номер указан дважды."),
    "appeal.reason.required": ("Müraciətin səbəbini seçin.", "Choose the applicant's reason.", "Выберите причину обращения."),
    "appeal.reasonText.required": ("Səbəb «Digər» olduqda onu izah edin.", "Describe the reason when it is Other.", "Опишите причину, если выбрано «Другое»."),
    "appeal.reasonText.tooLong": ("İzah ən çoxu 2000 simvoldan ibarət ola bilər.", "The reason has at most 2000 characters.", "Пояснение не может быть длиннее 2000 символов."),
    "appeal.language.invalid": ("SMS dili az, en və ya ru olmalıdır.", "The SMS language is az, en or ru.", "Язык SMS: az, en или ru."),
    "appeal.imei.noCloneVerdict": ("IMEI {0}: bu IMEI-yə klon qərarı verilməyib, etiraz ediləcək bir şey yoxdur.", "IMEI {0}: this IMEI has no clone verdict to appeal.", "IMEI {0}: по этому IMEI нет решения о клоне, обжаловать нечего."),
    "appeal.imei.alreadyOpen": ("IMEI {0} üzrə artıq açıq müraciət var: {1}; onu izləyin.", "IMEI {0} already has an open appeal, {1}; follow that one.", "По IMEI {0} уже есть открытое обращение {1}; следите за ним."),
    "appeal.file.forbidden": ("Müraciətləri hesabında poçt şöbəsi göstərilmiş poçt işçisi qəbul edir.", "Appeals are filed by a post-office clerk whose account names the office.", "Обращения регистрирует сотрудник почты, в учётной записи которого указано отделение."),

    # Finding and changing an appeal.
    "appeal.tracking.invalid": ("«{0}» izləmə nömrəsi deyil (məsələn, AP-7K3Q-9X2M).", "'{0}' is not a tracking number (e.g. AP-7K3Q-9X2M).", "«{0}» — не номер отслеживания (например, AP-7K3Q-9X2M)."),
    "appeal.notFound": ("Sizin görə biləcəyiniz {0} müraciəti yoxdur.", "There is no appeal {0} you may see.", "Обращения {0}, доступного вам, нет."),
    "appeal.stale": ("Siz {0} müraciətini açandan sonra onu başqası dəyişib; səhifəni yeniləyin və yenidən qərar verin.", "Appeal {0} was changed by someone else since you opened it; reload the page and decide again.", "Обращение {0} изменил кто-то другой после того, как вы его открыли; обновите страницу и примите решение заново."),
    "appeal.status.assigning": ("{0} müraciəti «{1}» vəziyyətindədir: onu indi təyin etmək olmaz.", "Appeal {0} is {1}: it cannot be assigned now.", "Обращение {0} в статусе «{1}»: назначить его сейчас нельзя."),
    "appeal.status.requestingInformation": ("{0} müraciəti «{1}» vəziyyətindədir: məlumat yalnız baxılan müraciət üzrə tələb olunur.", "Appeal {0} is {1}: information is requested only while it is in review.", "Обращение {0} в статусе «{1}»: сведения запрашивают только по обращению на рассмотрении."),
    "appeal.status.providingInformation": ("{0} müraciəti «{1}» vəziyyətindədir: cavab yalnız məlumat tələb olunduqda verilir.", "Appeal {0} is {1}: an answer is given only when information was requested.", "Обращение {0} в статусе «{1}»: ответ даётся, только когда запрошены сведения."),
    "appeal.status.pairing": ("{0} müraciəti «{1}» vəziyyətindədir: cütləşdirmə yalnız baxılan müraciət üzrə mümkündür.", "Appeal {0} is {1}: pairing is possible only while it is in review.", "Обращение {0} в статусе «{1}»: привязка возможна только при рассмотрении."),
    "appeal.status.proposingLift": ("{0} müraciəti «{1}» vəziyyətindədir: götürülməni yalnız baxılan müraciət üzrə təklif etmək olar.", "Appeal {0} is {1}: a lift is proposed only while it is in review.", "Обращение {0} в статусе «{1}»: предложить снятие можно только при рассмотрении."),
    "appeal.status.rejecting": ("{0} müraciəti «{1}» vəziyyətindədir: yalnız baxılan müraciəti rədd etmək olar.", "Appeal {0} is {1}: only an appeal in review can be rejected.", "Обращение {0} в статусе «{1}»: отклонить можно только обращение на рассмотрении."),
    "appeal.status.confirmingLift": ("{0} müraciəti «{1}» vəziyyətindədir: təsdiq gözləyən götürülmə yoxdur.", "Appeal {0} is {1}: there is no lift awaiting confirmation.", "Обращение {0} в статусе «{1}»: снятия, ожидающего подтверждения, нет."),
    "appeal.status.returningLift": ("{0} müraciəti «{1}» vəziyyətindədir: geri qaytarılacaq götürülmə yoxdur.", "Appeal {0} is {1}: there is no lift to return.", "Обращение {0} в статусе «{1}»: возвращать нечего."),
    "appeal.attachment.closed": ("{0} müraciəti «{1}» vəziyyətindədir: sənədlər yalnız açıq müraciətə əlavə olunur.", "Appeal {0} is {1}: documents are added while it is open.", "Обращение {0} в статусе «{1}»: документы добавляют, пока оно открыто."),

    # Attachments.
    "appeal.attachment.forbidden": ("Sənədləri müraciəti qəbul edən poçt şöbəsinin işçisi əlavə edir.", "Documents are added by a clerk of the office that filed the appeal.", "Документы добавляет сотрудник отделения, принявшего обращение."),
    "appeal.attachment.missing": ("Fayl seçin.", "Choose a file.", "Выберите файл."),
    "appeal.attachment.type": ("{0}: «{1}» növlü fayllar qəbul edilmir; qəbul edilənlər: {2}.", "{0}: files of type '{1}' are not accepted; accepted are {2}.", "{0}: файлы типа «{1}» не принимаются; принимаются {2}."),
    "appeal.attachment.empty": ("{0} boşdur.", "{0} is empty.", "Файл {0} пуст."),
    "appeal.attachment.tooLarge": ("{0} {1} baytdır; ən çoxu {2} bayt qəbul edilir.", "{0} has {1} bytes; the largest accepted is {2} bytes.", "Размер {0} — {1} байт; принимается не более {2} байт."),
    "appeal.attachment.contentMismatch": ("{0} {1} kimi göstərilib, amma məzmunu {2}-dir.", "{0} is declared {1} but its content is {2}.", "{0} заявлен как {1}, но по содержимому это {2}."),
    "appeal.attachment.contentUnknown": ("{0} {1} kimi göstərilib, amma məzmunu nə JPEG, nə PNG, nə də PDF-dir.", "{0} is declared {1} but its content is none of JPEG, PNG or PDF.", "{0} заявлен как {1}, но по содержимому это не JPEG, не PNG и не PDF."),
    "appeal.attachment.tooMany": ("{0} müraciətinin artıq {1} sənədi var, bu, icazə verilən ən çox saydır.", "Appeal {0} already has {1} documents, the most allowed.", "У обращения {0} уже {1} документов — это максимум."),
    "appeal.attachment.notFound": ("{0} müraciətində {1} nömrəli sənəd yoxdur.", "Appeal {0} has no document {1}.", "В обращении {0} нет документа {1}."),

    # Assigning.
    "appeal.assign.forbidden": ("Müraciətləri analitiklər və rəhbərlər götürür.", "Appeals are taken by reviewers and supervisors.", "Обращения берут аналитики и руководители."),
    "appeal.assign.already": ("{0} müraciəti artıq təyin edilib; onu yalnız rəhbər başqasına verə bilər.", "Appeal {0} is already assigned; a supervisor may reassign it.", "Обращение {0} уже назначено; переназначить его может руководитель."),
    "appeal.assign.supervisorOnly": ("Müraciəti başqasına yalnız rəhbər təyin edir.", "Only a supervisor assigns an appeal to someone else.", "Назначить обращение другому может только руководитель."),
    "appeal.assign.notReviewer": ("«{0}» fəal analitik deyil.", "'{0}' is not an active reviewer.", "«{0}» — не действующий аналитик."),
    "appeal.assign.alreadyTo": ("{0} müraciəti artıq {1} istifadəçisinə təyin edilib.", "Appeal {0} is already assigned to {1}.", "Обращение {0} уже назначено пользователю {1}."),

    # Requesting and providing information.
    "appeal.message.required": ("Hansı məlumatın lazım olduğunu yazın.", "Write what information is needed.", "Напишите, какие сведения нужны."),
    "appeal.message.tooLong": ("Mətn ən çoxu 4000 simvoldan ibarət ola bilər.", "The message has at most 4000 characters.", "Сообщение не может быть длиннее 4000 символов."),
    "appeal.answer.required": ("Müraciət edənin cavabını yazın.", "Write the applicant's answer.", "Запишите ответ заявителя."),
    "appeal.answer.tooLong": ("Cavab ən çoxu 4000 simvoldan ibarət ola bilər.", "The answer has at most 4000 characters.", "Ответ не может быть длиннее 4000 символов."),
    "appeal.answer.forbidden": ("Cavabı müraciəti qəbul edən poçt şöbəsinin işçisi qeyd edir.", "The answer is given by a clerk of the office that filed the appeal.", "Ответ вносит сотрудник отделения, принявшего обращение."),

    # Deciding.
    "appeal.decision.unknown": ("Qərarı seçin.", "Choose a decision.", "Выберите решение."),
    "appeal.decision.rejectionReason": ("Rədd etmək üçün səbəb göstərin.", "A rejection needs a reason.", "Для отклонения нужна причина."),
    "appeal.decision.returnReason": ("Götürülmənin niyə geri qaytarıldığını yazın.", "Say why the lift is returned.", "Укажите, почему снятие возвращено."),
    "appeal.decision.reasonTooLong": ("Əsaslandırma ən çoxu 2000 simvoldan ibarət ola bilər.", "The reason has at most 2000 characters.", "Обоснование не может быть длиннее 2000 символов."),
    "appeal.decision.supervisorOnly": ("Təklif edilmiş götürülməni rəhbər təsdiqləyir və ya geri qaytarır.", "A proposed lift is confirmed or returned by a supervisor.", "Предложенное снятие подтверждает или возвращает руководитель."),
    "appeal.decision.secondPerson": ("Götürülməni ikinci şəxs təsdiqləməlidir: onu siz təklif etmisiniz, başqa rəhbər təsdiqləyir.", "The lift must be confirmed by a second person: you proposed it, another supervisor confirms it.", "Снятие должен подтвердить другой человек: вы его предложили, подтверждает другой руководитель."),
    "appeal.decision.notAssigned": ("{0} müraciəti sizə təyin edilməyib; əvvəlcə onu özünüzə götürün.", "Appeal {0} is not assigned to you; take it first.", "Обращение {0} не назначено вам; сначала возьмите его себе."),
    "appeal.decision.forbidden": ("Müraciətlər üzrə qərarları analitiklər və rəhbərlər verir.", "Decisions on appeals are taken by reviewers and supervisors.", "Решения по обращениям принимают аналитики и руководители."),
    "appeal.decision.noCloneVerdict": ("{0} müraciətinin IMEI-si üzrə artıq klon qərarı yoxdur, götürüləcək bir şey yoxdur.", "The IMEI of appeal {0} no longer has a clone verdict to lift.", "У IMEI обращения {0} больше нет решения о клоне, снимать нечего."),
    "appeal.pair.noSims": ("Müraciət edənin nömrələrinin heç biri bu IMEI-də görünməyib, cütləşdiriləcək SIM kart yoxdur; götürülməni təklif edin və ya rədd edin.", "None of the applicant's numbers was seen on this IMEI, so there is no SIM to pair; propose a lift or reject.", "Ни один номер заявителя не замечен на этом IMEI, привязывать нечего; предложите снятие или отклоните."),
    "appeal.pair.foreign": ("IMSI {0} bu IMEI-də müraciət edənin nömrələri ilə görünməyib; yalnız onun SIM kartları cütləşdirilir.", "IMSI {0} was not seen on this IMEI with the applicant's numbers; only their SIMs are paired.", "IMSI {0} не замечен на этом IMEI с номерами заявителя; привязываются только его SIM-карты."),
    "appeal.pair.noneTicked": ("Cütləşdirmək üçün ən azı bir IMSI seçin.", "Tick at least one IMSI to pair.", "Отметьте хотя бы один IMSI для привязки."),
    "appeal.pair.alreadyAllowed": ("Seçilmiş SIM kartlara bu IMEI-də artıq icazə verilib; cütləşdiriləcək bir şey yoxdur.", "The ticked SIMs are already allowed on this IMEI; nothing to pair.", "Отмеченные SIM-карты уже разрешены на этом IMEI; привязывать нечего."),

    # The queue and the statistics.
    "appeal.queue.page": ("Səhifə nömrəsi 1-dən başlayır.", "The page is from 1.", "Номер страницы начинается с 1."),
    "appeal.queue.pageSize": ("Bir səhifədə 1-200 müraciət olur.", "A page has 1 to 200 appeals.", "На странице от 1 до 200 обращений."),
    "appeal.queue.age": ("Yaş 0-3650 gün arasındadır.", "The age is 0 to 3650 days.", "Возраст — от 0 до 3650 дней."),
    "appeal.statistics.weeks": ("Statistika 1-104 həftəni əhatə edir.", "The statistics cover 1 to 104 weeks.", "Статистика охватывает от 1 до 104 недель."),

    # The evidence page.
    "evidence.imei.format": ("Burada IMEI 15 rəqəmdən ibarətdir.", "An IMEI here is 15 digits.", "Здесь IMEI состоит из 15 цифр."),
    "evidence.number.format": ("«{0}» telefon nömrəsi deyil.", "'{0}' is not a phone number.", "«{0}» — не номер телефона."),
    "evidence.tracking.tooLong": ("İzləmə nömrəsi ən çoxu 20 simvoldan ibarətdir.", "A tracking number has at most 20 characters.", "Номер отслеживания не длиннее 20 символов."),
    "stolen.forbidden": ("Oğurlanmış cihazları yalnız administrator bildirir və bərpa edir.", "Only an administrator reports or recovers stolen devices.", "Заявлять об украденных устройствах и снимать блокировку может только администратор."),
    "stolen.imei.required": ("Ən azı bir IMEI lazımdır.", "At least one IMEI is required.", "Нужен хотя бы один IMEI."),
    "stolen.imei.tooMany": ("Bir bildirişdə ən çoxu {0} IMEI ola bilər.", "A report covers at most {0} IMEIs.", "В одном заявлении не больше {0} IMEI."),
    "stolen.imei.invalid": ("«{0}» IMEI deyil (14, 15 və ya 16 rəqəm; 15 rəqəmdə yoxlama rəqəmi düzgün olmalıdır).", "'{0}' is not an IMEI (14, 15 or 16 digits; 15 digits with a valid check digit).", "«{0}» — не IMEI (14, 15 или 16 цифр; у 15 цифр должна быть верная контрольная цифра)."),
    "stolen.imei.duplicate": ("{0} IMEI-si iki dəfə verilib.", "IMEI {0} is given twice.", "IMEI {0} указан дважды."),
    "stolen.imei.open": ("{0} IMEI-si artıq açıq {1} işindədir.", "IMEI {0} is already in open case {1}.", "IMEI {0} уже в открытом деле {1}."),
    "stolen.caseNumber.required": ("İşin nömrəsi lazımdır.", "A case number is required.", "Нужен номер дела."),
    "stolen.caseNumber.tooLong": ("İşin nömrəsi ən çoxu {0} simvoldur.", "A case number has at most {0} characters.", "Номер дела не длиннее {0} символов."),
    "stolen.caseNumber.taken": ("{0} nömrəli iş artıq başqa bildirişdə istifadə olunub.", "Case number {0} is already used by another report.", "Номер дела {0} уже использован в другом заявлении."),
    "stolen.reportedBy.required": ("Kimin bildirdiyini yazın (polis şöbəsi, operator, sahibi).", "Say who reported it (a police station, an operator, the owner).", "Укажите, кто заявил (отдел полиции, оператор, владелец)."),
    "stolen.reportedBy.tooLong": ("«Kim bildirib» ən çoxu {0} simvoldur.", "'Reported by' has at most {0} characters.", "Поле «Кто заявил» не длиннее {0} символов."),
    "stolen.case.notFound": ("{0} nömrəli iş yoxdur.", "There is no case {0}.", "Дела {0} нет."),
    "stolen.recover.mismatch": ("{0} IMEI-sinin {1} nömrəli açıq işi yoxdur: bildirildiyi işin nömrəsini yazın.", "IMEI {0} has no open case numbered {1}: give the case number it was reported under.", "У IMEI {0} нет открытого дела с номером {1}: укажите номер дела, по которому о нём заявили."),
    "stolen.recover.already": ("{1} işinin {0} IMEI-si artıq bərpa olunub.", "IMEI {0} of case {1} is already recovered.", "IMEI {0} по делу {1} уже разблокирован."),

    # ASP.NET Core Identity (the web host's IdentityErrorDescriber).
    "identity.DefaultError": ("Naməlum xəta baş verdi.", "An unknown failure has occurred.", "Произошла неизвестная ошибка."),
    "identity.ConcurrencyFailure": ("Hesab eyni vaxtda başqa yerdə dəyişdirilib; yenidən cəhd edin.", "The account was changed elsewhere at the same time; try again.", "Учётная запись одновременно изменена в другом месте; попробуйте ещё раз."),
    "identity.PasswordMismatch": ("Parol yanlışdır.", "Incorrect password.", "Неверный пароль."),
    "identity.InvalidToken": ("Kod etibarsızdır.", "Invalid token.", "Недействительный код."),
    "identity.RecoveryCodeRedemptionFailed": ("Bərpa kodu qəbul edilmədi.", "Recovery code redemption failed.", "Код восстановления не принят."),
    "identity.LoginAlreadyAssociated": ("Bu girişlə artıq başqa istifadəçi bağlıdır.", "A user with this login already exists.", "Пользователь с таким входом уже существует."),
    "identity.InvalidUserName": ("«{0}» istifadəçi adı etibarsızdır: yalnız hərflər, rəqəmlər və -._@+ işarələri ola bilər.", "User name '{0}' is invalid, can only contain letters or digits.", "Имя пользователя «{0}» недопустимо: можно использовать только буквы, цифры и знаки -._@+."),
    "identity.InvalidEmail": ("«{0}» e-poçt ünvanı etibarsızdır.", "Email '{0}' is invalid.", "Адрес электронной почты «{0}» недопустим."),
    "identity.DuplicateUserName": ("«{0}» istifadəçi adı artıq tutulub.", "User name '{0}' is already taken.", "Имя пользователя «{0}» уже занято."),
    "identity.DuplicateEmail": ("«{0}» e-poçt ünvanı artıq tutulub.", "Email '{0}' is already taken.", "Адрес электронной почты «{0}» уже занят."),
    "identity.InvalidRoleName": ("«{0}» rol adı etibarsızdır.", "Role name '{0}' is invalid.", "Название роли «{0}» недопустимо."),
    "identity.DuplicateRoleName": ("«{0}» rol adı artıq tutulub.", "Role name '{0}' is already taken.", "Название роли «{0}» уже занято."),
    "identity.UserAlreadyHasPassword": ("İstifadəçinin artıq parolu var.", "User already has a password set.", "У пользователя уже есть пароль."),
    "identity.UserLockoutNotEnabled": ("Bu istifadəçi üçün bloklama aktiv deyil.", "Lockout is not enabled for this user.", "Для этого пользователя блокировка не включена."),
    "identity.UserAlreadyInRole": ("İstifadəçinin artıq «{0}» rolu var.", "User already in role '{0}'.", "У пользователя уже есть роль «{0}»."),
    "identity.UserNotInRole": ("İstifadəçinin «{0}» rolu yoxdur.", "User is not in role '{0}'.", "У пользователя нет роли «{0}»."),
    "identity.PasswordTooShort": ("Parol ən azı {0} simvoldan ibarət olmalıdır.", "Passwords must be at least {0} characters.", "Пароль должен содержать не менее {0} символов."),
    "identity.PasswordRequiresUniqueChars": ("Parolda ən azı {0} müxtəlif simvol olmalıdır.", "Passwords must use at least {0} different characters.", "Пароль должен содержать не менее {0} разных символов."),
    "identity.PasswordRequiresNonAlphanumeric": ("Parolda ən azı bir hərf və ya rəqəm olmayan simvol olmalıdır.", "Passwords must have at least one non alphanumeric character.", "Пароль должен содержать хотя бы один символ, не являющийся буквой или цифрой."),
    "identity.PasswordRequiresDigit": ("Parolda ən azı bir rəqəm ('0'-'9') olmalıdır.", "Passwords must have at least one digit ('0'-'9').", "Пароль должен содержать хотя бы одну цифру ('0'–'9')."),
    "identity.PasswordRequiresLower": ("Parolda ən azı bir kiçik hərf ('a'-'z') olmalıdır.", "Passwords must have at least one lowercase ('a'-'z').", "Пароль должен содержать хотя бы одну строчную букву ('a'–'z')."),
    "identity.PasswordRequiresUpper": ("Parolda ən azı bir böyük hərf ('A'-'Z') olmalıdır.", "Passwords must have at least one uppercase ('A'-'Z').", "Пароль должен содержать хотя бы одну заглавную букву ('A'–'Z')."),
}

if __name__ == "__main__":
    write_resx(os.path.join(os.path.dirname(__file__), "RefusalTexts"), TEXTS)
