"""The hazard history written before it kept codes held a sentence in the writer's
language (English or Chinese): turn the known ones into their codes, so that every
entry is read in the reader's language. An unknown sentence stays as it is (and shows
as written)."""

from django.db import migrations

# The sentences the services wrote, in English and in the Chinese of the catalogue.
SENTENCES = {
    "Hazard recorded": "recorded",
    "登记隐患": "recorded",
    "Hazard changed": "changed",
    "修改隐患": "changed",
    "Rectification started": "rectification_started",
    "开始整改": "rectification_started",
    "Rectification report filed": "report_filed",
    "报送整改报告": "report_filed",
    "Accepted and closed": "accepted",
    "验收销号": "accepted",
    "Put under listed supervision": "listed",
    "挂牌督办": "listed",
}
RETURNED = ("Returned: ", "退回：")


def to_codes(apps, schema_editor):
    History = apps.get_model("inspections", "HistoricalHazard")
    for sentence, code in SENTENCES.items():
        History.objects.filter(history_change_reason=sentence).update(history_change_reason=code)
    for prefix in RETURNED:
        rows = History.objects.filter(history_change_reason__startswith=prefix)
        for pk, reason in rows.values_list("pk", "history_change_reason").iterator():
            code = f"returned:{reason[len(prefix) :]}"[:100]
            History.objects.filter(pk=pk).update(history_change_reason=code)


def to_sentences(apps, schema_editor):
    # Back to the English sentences: what a version before the codes shows.
    History = apps.get_model("inspections", "HistoricalHazard")
    english = {code: sentence for sentence, code in SENTENCES.items() if sentence.isascii()}
    for code, sentence in english.items():
        History.objects.filter(history_change_reason=code).update(history_change_reason=sentence)
    rows = History.objects.filter(history_change_reason__startswith="returned:")
    for pk, reason in rows.values_list("pk", "history_change_reason").iterator():
        sentence = f"Returned: {reason[len('returned:') :]}"[:100]
        History.objects.filter(pk=pk).update(history_change_reason=sentence)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0007_hazard_change_request")]

    operations = [migrations.RunPython(to_codes, to_sentences)]
