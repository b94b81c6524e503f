from django.db import migrations

LAW_FIRE = "《中华人民共和国消防法》"
LAW_SAFETY = "《中华人民共和国安全生产法》"
REG_CHEM = "《危险化学品安全管理条例》"
STD_CHEM = "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》"
REG_CONS = "《建设工程安全生产管理条例》"
STD_CONS = "《房屋市政工程生产安全重大事故隐患判定标准（2022版）》"

# key area code, template name, description, [(question, legal basis, implied level)]
TEMPLATES = [
    (
        "fire",
        "消防安全检查表（社会单位）",
        "适用于商场、宾馆、学校、养老机构等社会单位的消防安全检查。",
        [
            ("疏散通道、安全出口是否畅通，有无锁闭、堵塞、占用", LAW_FIRE + "第二十八条", "major"),
            ("应急照明和疏散指示标志是否完好有效", LAW_FIRE + "第十六条第一款第（二）项", "general"),
            ("灭火器配置类型、数量是否符合要求，是否在有效期内", "GB 50140-2005《建筑灭火器配置设计规范》", "general"),
            ("室内外消火栓是否完好，水带、水枪是否齐全", LAW_FIRE + "第十六条；GB 50974-2014", "general"),
            ("火灾自动报警、自动喷水灭火系统是否正常运行，有无擅自停用", "GB 25201-2010《建筑消防设施的维护管理》；GB 35181-2017", "major"),
            ("消防控制室是否24小时双人值班，值班人员是否持证上岗", "GB 25506-2010《消防控制室通用技术要求》", "general"),
            ("是否违规使用、储存易燃易爆危险品", LAW_FIRE + "第二十三条", "major"),
            ("电气线路敷设是否规范，有无私拉乱接、超负荷用电", LAW_FIRE + "第二十七条", "general"),
            ("是否存在住宿与生产、储存、经营场所“三合一”", LAW_FIRE + "第十九条", "major"),
            ("电动自行车是否在楼道、室内违规停放、充电", "《高层民用建筑消防安全管理规定》（应急管理部令第5号）第三十七条", "general"),
            ("防火门是否常闭或能自动关闭，防火卷帘是否能正常升降", LAW_FIRE + "第二十八条", "general"),
            ("是否落实每日防火巡查、每月防火检查并留有记录", "《机关、团体、企业、事业单位消防安全管理规定》（公安部令第61号）第二十五条、第二十六条", "general"),
            ("是否制定灭火和应急疏散预案，并每半年至少组织一次演练", LAW_FIRE + "第十六条第一款第（一）项；公安部令第61号第四十条", "general"),
        ],
    ),
    (
        "hazardous-chemicals",
        "危险化学品企业安全检查表",
        "适用于危险化学品生产、储存、经营单位，参照重大生产安全事故隐患判定标准。",
        [
            ("是否依法取得安全生产（经营）许可证并在有效期内", REG_CHEM + "第十四条、第三十三条", "major"),
            ("主要负责人和安全生产管理人员是否经考核合格", LAW_SAFETY + "第二十七条；" + STD_CHEM + "第一项", "major"),
            ("特种作业人员是否持证上岗", LAW_SAFETY + "第三十条；" + STD_CHEM + "第二项", "general"),
            ("涉及危险化工工艺的装置是否实现自动化控制，系统是否投用", STD_CHEM + "第七项", "major"),
            ("一级、二级重大危险源罐区是否实现紧急切断功能", STD_CHEM + "第十二项", "major"),
            ("可燃和有毒气体泄漏检测报警装置是否按规定设置并投用", "GB/T 50493-2019；" + STD_CHEM + "第十项", "major"),
            ("危险化学品是否专库储存、分类分项存放，禁忌物料是否分开", REG_CHEM + "第二十四条；GB 15603-2022", "general"),
            ("化学品安全技术说明书、安全标签是否齐全", REG_CHEM + "第十五条", "general"),
            ("动火、受限空间等特殊作业是否按规定办理作业票证", "GB 30871-2022《危险化学品企业特殊作业安全规范》", "major"),
            ("防雷、防静电设施是否定期检测并合格", REG_CHEM + "第二十条；GB 50057-2010", "general"),
            ("是否制定事故应急预案并定期演练，应急物资是否配备", LAW_SAFETY + "第八十一条；" + REG_CHEM + "第七十条", "general"),
            ("是否建立并运行安全风险分级管控和隐患排查治理双重预防机制", LAW_SAFETY + "第四十一条", "general"),
            ("外部安全防护距离是否符合国家标准要求", STD_CHEM + "第四项；GB/T 37243-2019", "major"),
        ],
    ),
    (
        "construction",
        "建筑施工现场安全检查表",
        "适用于房屋建筑和市政基础设施工程施工现场，参照JGJ 59-2011及重大事故隐患判定标准。",
        [
            ("深基坑工程是否编制专项施工方案并经专家论证", "《危险性较大的分部分项工程安全管理规定》（住建部令第37号）第十条、第十二条", "major"),
            ("基坑周边是否设置防护栏杆，有无超载堆放", "JGJ 59-2011《建筑施工安全检查标准》；JGJ 120-2012", "general"),
            ("高大模板支撑体系是否按专项方案搭设并经验收", STD_CONS + "第七条", "major"),
            ("脚手架基础、连墙件、剪刀撑设置是否符合规范", "JGJ 130-2011《建筑施工扣件式钢管脚手架安全技术规范》", "general"),
            ("塔式起重机是否办理使用登记，安全装置是否齐全有效", "《建筑起重机械安全监督管理规定》（建设部令第166号）；" + STD_CONS + "第八条", "major"),
            ("施工升降机防坠安全器是否在有效标定期内", STD_CONS + "第八条；JGJ 215-2010", "major"),
            ("架子工、电工、起重司机等特种作业人员是否持证上岗", REG_CONS + "第二十五条", "general"),
            ("临时用电是否采用TN-S系统，是否实行三级配电、两级保护", "JGJ 46-2005《施工现场临时用电安全技术规范》", "general"),
            ("“四口五临边”防护是否到位", "JGJ 80-2016《建筑施工高处作业安全技术规范》", "general"),
            ("作业人员是否正确佩戴安全帽、系挂安全带", REG_CONS + "第三十二条", "general"),
            ("施工现场消防通道、消防器材是否符合要求，动火作业是否审批", "GB 50720-2011《建设工程施工现场消防安全技术规范》", "general"),
            ("项目负责人、专职安全生产管理人员是否到岗履职", REG_CONS + "第二十一条、第二十三条", "general"),
            ("是否进行安全技术交底并有双方签字的书面记录", REG_CONS + "第二十七条", "general"),
        ],
    ),
    (
        "gas",
        "城镇燃气安全检查表",
        "适用于燃气经营企业、液化气站及餐饮等燃气用户。",
        [
            ("是否取得燃气经营许可证并在有效期内", "《城镇燃气管理条例》第十五条", "major"),
            ("餐饮等用户是否安装可燃气体报警装置并与切断阀联锁", "GB 55009-2021《燃气工程项目规范》", "major"),
            ("燃气管道、软管是否老化、破损，连接是否牢固", "GB 55009-2021", "general"),
            ("液化石油气钢瓶是否在检验有效期内，有无违规充装、倒灌", "《城镇燃气管理条例》第二十条", "major"),
            ("用气场所是否通风良好，有无在地下室、半地下室使用液化石油气", "GB 50028-2006《城镇燃气设计规范》", "major"),
            ("燃气设施周边有无违章占压、圈占", "《城镇燃气管理条例》第三十三条", "general"),
            ("从业人员是否经专业培训并考核合格", "《城镇燃气管理条例》第十五条", "general"),
            ("是否制定燃气事故应急预案并组织演练", "《城镇燃气管理条例》第四十条", "general"),
            ("是否定期开展入户安检并建立安检档案", "《城镇燃气管理条例》第十七条", "general"),
            ("调压设施、阀门井是否完好，标志是否清晰", "CJJ 51-2016《城镇燃气设施运行、维护和抢修安全技术规程》", "general"),
        ],
    ),
]


def add_templates(apps, schema_editor):
    KeyArea = apps.get_model("org", "KeyArea")
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Item = apps.get_model("inspections", "ChecklistItem")
    for code, name, description, items in TEMPLATES:
        area = KeyArea.objects.filter(code=code).first()
        if area is None:
            continue
        template, _created = Template.objects.update_or_create(
            key_area=area, name=name, defaults={"description": description}
        )
        for order, (question, basis, level) in enumerate(items, start=1):
            Item.objects.update_or_create(
                template=template,
                order=order,
                defaults={"question": question, "legal_basis": basis, "implied_level": level},
            )


def remove_templates(apps, schema_editor):
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Item = apps.get_model("inspections", "ChecklistItem")
    names = [name for _code, name, _d, _i in TEMPLATES]
    Item.objects.filter(template__name__in=names).delete()
    Template.objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_initial"),
        ("org", "0002_keyarea_catalogue"),
    ]

    operations = [migrations.RunPython(add_templates, remove_templates)]
