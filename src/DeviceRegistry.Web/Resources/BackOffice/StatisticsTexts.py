# The statistics page's texts. Edit here, then run:
#   python3 src/DeviceRegistry.Web/Resources/BackOffice/StatisticsTexts.py
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../../../tools"))
from resx import write_resx

TEXTS = {
    "title": ("Statistika", "Statistics", "Статистика"),
    "asOf": ("{0} tarixinə; cəmi {1} müraciət", "As of {0}; {1} appeals in all", "На {0}; всего обращений: {1}"),
    "csv": ("CSV", "CSV", "CSV"),
    "byOutcome.title": ("Nəticəyə görə müraciətlər", "Appeals by outcome", "Обращения по итогу"),
    "byOffice.title": ("Poçt şöbələrinə görə müraciətlər", "Appeals by office", "Обращения по отделениям"),
    "time.title": ("Qərara qədər vaxt", "Time to decision", "Время до решения"),
    "time.median": ("Median", "Median", "Медиана"),
    "time.p90": ("90-cı persentil", "90th percentile", "90-й процентиль"),
    "time.decided": ("Qərar verilmiş müraciətlər", "Decided appeals", "Решённых обращений"),
    "time.days": ("{0} gün", "{0} days", "{0} дн."),
    "time.none": ("Hələ qərar verilmiş müraciət yoxdur.", "No appeal has been decided yet.", "Решённых обращений пока нет."),
    "overdue.title": ("Gecikmiş açıq müraciətlər", "Overdue open appeals", "Просроченные открытые обращения"),
    "overdue.none": ("Gecikmiş müraciət yoxdur.", "No open appeal is past its deadline.", "Просроченных обращений нет."),
    "overdue.dueOn": ("Son tarix", "Due on", "Срок"),
    "overdue.days": ("Gecikmə (gün)", "Days overdue", "Просрочено (дн.)"),
    "clones.title": ("Həftəlik klon kimi qeyd olunan IMEI-lər", "Clones flagged per week", "Клоны, выявленные за неделю"),
    "refused.title": ("Həftəlik rədd edilən qoşulmalar", "Refused attaches per week", "Отказы в подключении за неделю"),
    "refused.answers": ("Bütün cavablar", "All answers", "Всего ответов"),
    "refused.share": ("Rədd payı", "Refused share", "Доля отказов"),
    "col.outcome": ("Nəticə", "Outcome", "Итог"),
    "col.appeals": ("Müraciətlər", "Appeals", "Обращения"),
    "col.office": ("Poçt şöbəsi", "Office", "Отделение"),
    "col.filed": ("Verilib", "Filed", "Подано"),
    "col.open": ("Açıq", "Open", "Открыто"),
    "col.overdue": ("Gecikmiş", "Overdue", "Просрочено"),
    "col.approved": ("Təmin edilib", "Approved", "Удовлетворено"),
    "col.rejected": ("Rədd edilib", "Rejected", "Отклонено"),
    "col.withdrawn": ("Geri götürülüb", "Withdrawn", "Отозвано"),
    "col.week": ("Həftə (bazar ertəsi)", "Week (Monday)", "Неделя (понедельник)"),
    "col.count": ("Say", "Count", "Количество"),
    "col.refused": ("Rədd edilib", "Refused", "Отказано"),
    "col.tracking": ("Nömrə", "Tracking number", "Номер"),
    "col.status": ("Status", "Status", "Статус"),
    "group.Paired": ("SIM kartlar cütləşdirildi", "SIMs paired", "SIM-карты привязаны"),
    "group.Lifted": ("Klon statusu götürüldü", "Clone status lifted", "Статус клона снят"),
    "group.Rejected": ("Əsassız", "Unfounded", "Необоснованно"),
    "group.Withdrawn": ("Geri götürülüb", "Withdrawn", "Отозвано"),
    "group.Open": ("Açıq", "Open", "Открыто"),
    "empty": ("Məlumat yoxdur.", "No data.", "Нет данных."),
}

if __name__ == "__main__":
    write_resx(os.path.join(os.path.dirname(__file__), "StatisticsTexts"), TEXTS)
