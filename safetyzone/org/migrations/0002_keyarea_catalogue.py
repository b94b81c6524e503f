from django.db import migrations

# The key areas named by the committee's notices; admins may add more.
KEY_AREAS = [
    ("hazardous-chemicals", "危险化学品", 10),
    ("construction", "建筑施工", 20),
    ("fire", "消防", 30),
    ("gas", "城镇燃气", 40),
    ("road-traffic", "道路交通", 50),
    ("special-equipment", "特种设备", 60),
    ("crowded-places", "人员密集场所", 70),
    ("industry-trade", "工贸行业", 80),
    ("limited-space", "有限空间", 90),
    ("mining", "非煤矿山", 100),
]


def add_key_areas(apps, schema_editor):
    KeyArea = apps.get_model("org", "KeyArea")
    for code, name, order in KEY_AREAS:
        KeyArea.objects.update_or_create(code=code, defaults={"name": name, "order": order})


def remove_key_areas(apps, schema_editor):
    KeyArea = apps.get_model("org", "KeyArea")
    KeyArea.objects.filter(code__in=[code for code, _n, _o in KEY_AREAS], enterprises=None).delete()


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]

    operations = [migrations.RunPython(add_key_areas, remove_key_areas)]
