"""The built-in checklists, version 1, in the plan's own terms (二.1–二.5, 三.1, 三).

Plain data: `services.templates.load_builtin_templates` turns it into rows, and the data
migration runs that loader with historical models, so nothing here may import a model.
Each item's `rule` names the DESIGN rule it checks; answers are keyed by `code`, which stays
the same in later versions of a template.

Answer types: yes_no answers "yes" for the conforming state, so "no" is always the finding
that needs a note (and, where the plan wants evidence of the scene, a photo).
"""


def _yes_no(code, text, rule, *, note=True, photo=False, help_text="", required=True):
    return {
        "code": code,
        "text": text,
        "answer_type": "yes_no",
        "rule": rule,
        "note_on_no": note,
        "photo_on_no": photo,
        "help_text": help_text,
        "required": required,
    }


def _number(code, text, unit, rule, *, help_text="", required=True):
    return {
        "code": code,
        "text": text,
        "answer_type": "number",
        "unit": unit,
        "rule": rule,
        "help_text": help_text,
        "required": required,
    }


def _text(code, text, rule, *, help_text="", required=False):
    return {
        "code": code,
        "text": text,
        "answer_type": "text",
        "rule": rule,
        "help_text": help_text,
        "required": required,
    }


def _choice(code, text, choices, rule, *, help_text="", required=True):
    return {
        "code": code,
        "text": text,
        "answer_type": "choice",
        "choices": list(choices),
        "rule": rule,
        "help_text": help_text,
        "required": required,
    }


def _photo(code, text, rule, *, help_text="", required=False):
    return {
        "code": code,
        "text": text,
        "answer_type": "photo",
        "rule": rule,
        "help_text": help_text,
        "required": required,
    }


PRODUCTION_PLANT = {
    "code": "production_plant",
    "name": "乳制品及含乳食品生产企业执法排查表",
    "subject": "operator",
    "operator_kinds": ["dairy_producer", "dairy_food_producer"],
    "owner_kind": "QTS",
    "rules": "S2, S1, L1, L2, Q1",
    "sections": [
        {
            "title": "一、主体资格与经营方式",
            "items": [
                _yes_no(
                    "licence_valid",
                    "生产许可证在有效期内，实际生产品种与许可范围一致",
                    "L1",
                    photo=True,
                    help_text="无证或超范围生产的，责令停止生产销售，按生产许可规定处理。",
                ),
                _choice(
                    "arrangement",
                    "企业经营方式",
                    ["自主经营", "承包经营", "转包经营", "租赁经营"],
                    "L2",
                    help_text="以承包、转包或租赁方式逃避监管的，应在备注中写明实际经营者（一.1）。",
                ),
                _yes_no(
                    "actual_operator_registered",
                    "实际经营者与生产许可证、营业执照登记主体一致",
                    "L2",
                    help_text="不一致的，写明实际经营者名称（姓名）及承包、租赁合同情况。",
                ),
            ],
        },
        {
            "title": "二、原料乳（乳粉）进货查验与记录",
            "items": [
                _yes_no(
                    "raw_batches_registered",
                    "对购进的每批原料乳（乳粉）如实、详细登记",
                    "S2",
                    help_text="登记应包括供货者、批次、数量、进货日期及检验结果。",
                ),
                _yes_no(
                    "certificates_invoices",
                    "购进原料乳（乳粉）索证、索票、索要检验报告（供货方资质证明、购货发票、每批检验报告）",
                    "S2",
                ),
                _yes_no(
                    "intake_inspection",
                    "执行进货查验制度，进货查验记录完整、可追溯至收购站或供货商",
                    "S1",
                ),
                _number(
                    "raw_batches_last_month",
                    "上月购进生鲜乳、原料乳粉批次数",
                    "批",
                    "Q1",
                    help_text="据此核定监管部门抽检不少于15%的批次数。",
                ),
            ],
        },
        {
            "title": "三、三聚氰胺批批检验",
            "items": [
                _yes_no(
                    "melamine_every_batch",
                    "对购入的每批生鲜乳、原料乳粉进行三聚氰胺检验（批批检验）",
                    "S1",
                    help_text="抽查检验原始记录和报告，核对进货批次与检验批次是否一一对应。",
                ),
                _number("melamine_batches_last_month", "上月三聚氰胺检验批次数", "批", "S1"),
                _yes_no(
                    "testing_capability",
                    "具备三聚氰胺检验能力（仪器设备、检验人员），或委托有资质的检验机构检验",
                    "S1",
                ),
                _yes_no("finished_every_batch", "出厂产品执行批批检验制度，检验合格后出厂", "S2"),
            ],
        },
        {
            "title": "四、生产过程控制",
            "items": [
                _yes_no("national_process", "按照国家规定的生产工艺流程组织生产", "S2"),
                _yes_no(
                    "no_nonfood_chemicals",
                    "生产场所及原辅料库未发现三聚氰胺等非食品用化学物质",
                    "S2",
                    photo=True,
                    help_text="发现故意添加三聚氰胺等违禁物质的，立即固定证据，移送公安机关。",
                ),
                _yes_no(
                    "additives_compliant",
                    "未使用其他可能危害健康的物质，食品添加剂无超范围、超限量使用",
                    "S2",
                    photo=True,
                ),
                _photo("materials_store_photo", "原辅料仓库现场照片", "S2"),
            ],
        },
        {
            "title": "五、质量安全管理制度",
            "items": [
                _yes_no("production_records", "建立并执行生产经营记录制度，记录真实完整", "S2"),
                _yes_no("suspension_reports", "停产、复产按规定向质监部门报告（停开业报告）", "S2"),
                _yes_no("recall_system", "建立并执行不安全产品召回制度", "S2"),
                _yes_no("self_inspection_system", "建立并执行质量安全自查自纠制度，有自查记录", "S2"),
                _text("other_problems", "发现的其他问题", "S2"),
            ],
        },
    ],
}

INFANT_FORMULA_DAILY_LOG = {
    "code": "infant_formula_daily_log",
    "name": "婴幼儿配方乳粉生产企业驻厂监督日志",
    "subject": "operator",
    "operator_kinds": ["dairy_producer"],
    "owner_kind": "QTS",
    "rules": "S2, S1",
    "sections": [
        {
            "title": "一、当日原料进厂与检验",
            "items": [
                _number("raw_milk_batches_in", "今日进厂生鲜乳批次数", "批", "S1"),
                _number("milk_powder_batches_in", "今日进厂原料乳粉批次数", "批", "S1"),
                _number(
                    "intake_checked_batches",
                    "今日进货查验（核对票证、记录）的批次数",
                    "批",
                    "S1",
                ),
                _number("melamine_tested_batches", "今日进行三聚氰胺检验的批次数", "批", "S1"),
                _yes_no(
                    "all_batches_tested",
                    "今日进厂原料乳（乳粉）全部经三聚氰胺检验",
                    "S1",
                    help_text="检验批次数少于进厂批次数的，写明未检批次及原因。",
                ),
                _number("rejected_batches", "今日检验不合格、拒收的批次数", "批", "S1"),
            ],
        },
        {
            "title": "二、生产与出厂",
            "items": [
                _yes_no("process_followed", "按国家规定的工艺流程生产，关键控制点记录完整", "S2"),
                _number("finished_batches_out", "今日出厂产品批次数", "批", "S2"),
                _yes_no("finished_tested", "出厂产品批批检验，合格后方才出厂", "S2"),
                _yes_no(
                    "no_nonfood_chemicals",
                    "巡查生产区、原辅料库，未发现非食品用化学物质及可疑添加物",
                    "S2",
                    photo=True,
                ),
            ],
        },
        {
            "title": "三、异常情况与报告",
            "items": [
                _yes_no(
                    "no_abnormality",
                    "今日未发现异常情况",
                    "S2",
                    photo=True,
                    help_text="发现异常（原料检出三聚氰胺、擅自停产复产、记录缺失等）的，写明情况及处理措施。",
                ),
                _choice(
                    "abnormality_reported",
                    "异常情况报告",
                    ["无异常，无需报告", "已当日报告质监部门", "未报告"],
                    "S2",
                ),
                _yes_no("supervisor_on_duty", "驻厂监督人员全天在岗", "S2"),
                _text("remarks", "其他需要记录的情况", "S2"),
            ],
        },
    ],
}

RAW_MILK_STATION = {
    "code": "raw_milk_station",
    "name": "生鲜乳收购站及运输车辆检查表",
    "subject": "operator",
    "operator_kinds": ["purchase_station"],
    "owner_kind": "AGR",
    "rules": "L3, L4, S1",
    "sections": [
        {
            "title": "一、收购许可与开办主体",
            "items": [
                _yes_no("purchase_licence_valid", "持有有效的生鲜乳收购许可证", "L3", photo=True),
                _choice(
                    "station_operator_type",
                    "收购站开办主体",
                    ["乳制品生产企业（经工商登记）", "奶畜养殖场", "奶农专业生产合作社", "其他单位或个人"],
                    "L3",
                    help_text="其他单位或个人不得发放收购许可证；无证收购的依法查处。",
                ),
                _yes_no(
                    "not_closed_station",
                    "不属于已被责令关停的收购站，未发现暗自收购",
                    "L4",
                    photo=True,
                    help_text="已关停站点应核查设备是否封存或拆除。",
                ),
            ],
        },
        {
            "title": "二、标准化建设与设施设备",
            "items": [
                _choice(
                    "standardisation",
                    "标准化建设情况",
                    ["已达标", "正在改造", "未启动"],
                    "L3",
                ),
                _yes_no(
                    "milking_cooling_equipment",
                    "挤奶、冷却、贮存设施设备符合要求，清洗消毒正常",
                    "S1",
                    photo=True,
                ),
                _yes_no(
                    "testing_equipment",
                    "配备与收购量相适应的生鲜乳检测设备（含三聚氰胺快速检测）",
                    "S1",
                ),
                _number("daily_volume", "日均收购量", "吨", "S1", required=False),
            ],
        },
        {
            "title": "三、收购、检测与记录",
            "items": [
                _yes_no("each_batch_tested", "收购的每批生鲜乳经检测后方可销售", "S1"),
                _yes_no(
                    "purchase_records",
                    "如实记录收购、销售数量、检测结果和销售去向，记录保存完整",
                    "S1",
                ),
                _yes_no(
                    "no_adulteration",
                    "现场未发现三聚氰胺等违禁添加物及不明物质",
                    "S1",
                    photo=True,
                ),
            ],
        },
        {
            "title": "四、运输车辆",
            "items": [
                _number("vehicle_count", "本站生鲜乳运输车辆数", "辆", "Q2"),
                _yes_no(
                    "vehicles_permitted",
                    "运输车辆均持有有效的生鲜乳准运证明",
                    "L3",
                    photo=True,
                    help_text="无准运证明运输生鲜乳的，依法查处并登记车牌号。",
                ),
                _yes_no(
                    "vehicle_hygiene",
                    "奶罐密闭、保温，车辆清洗消毒记录完整",
                    "S1",
                    photo=True,
                ),
                _yes_no(
                    "delivery_records",
                    "随车交接单载明收购站名称、车辆、数量、装运时间及检测结果",
                    "S1",
                ),
                _photo("vehicle_photo", "运输车辆及准运证明照片", "L3"),
            ],
        },
    ],
}

FARM_AND_FEED_MILL = {
    "code": "farm_and_feed_mill",
    "name": "奶畜养殖场（合作社）及饲料生产企业检查表",
    "subject": "operator",
    "operator_kinds": ["dairy_farm", "farmer_coop", "feed_mill"],
    "owner_kind": "AGR",
    "rules": "S1, Q3, Q2",
    "sections": [
        {
            "title": "一、饲料来源与记录",
            "items": [
                _yes_no("feed_supplier_licensed", "饲料、精料补充料购自取得生产许可的企业", "S1"),
                _yes_no("feed_certificates", "索取饲料产品合格证明和购货凭证", "S1"),
                _yes_no("feed_records", "建立饲料购进、使用记录", "S1"),
                _choice(
                    "concentrate_source",
                    "精料补充料来源",
                    ["外购", "自配", "外购与自配", "不使用"],
                    "Q3",
                ),
            ],
        },
        {
            "title": "二、违禁物质",
            "items": [
                _yes_no(
                    "no_melamine_in_feed",
                    "未在饲料中添加三聚氰胺等违禁物质",
                    "S1",
                    photo=True,
                    help_text="发现添加的，立即封存饲料，取样送检，涉嫌犯罪的移送公安机关。",
                ),
                _yes_no(
                    "no_banned_substances_stored",
                    "场（厂）内未存放三聚氰胺等违禁物质及不明添加物",
                    "S1",
                    photo=True,
                ),
                _choice(
                    "feed_sampled",
                    "本次检查饲料抽样情况",
                    ["已抽样送检", "本年度已抽检", "未抽样"],
                    "Q3",
                    help_text="饲料生产企业以厂为单位抽检全覆盖；规模养殖场精料补充料抽检比例不少于15%。",
                ),
            ],
        },
        {
            "title": "三、饲料生产企业（养殖场、合作社答“不适用”）",
            "items": [
                _yes_no("mill_licence_valid", "饲料生产许可证（审查合格证）有效", "S1"),
                _yes_no("mill_intake_inspection", "原料进货查验及检验记录完整", "S1"),
                _yes_no("mill_product_tested", "出厂饲料批批检验并按规定留样", "S1"),
                _yes_no("mill_sales_records", "饲料销售记录（购买者、品种、数量、日期）完整", "S1"),
            ],
        },
        {
            "title": "四、奶畜养殖与生鲜乳交售（饲料企业答“不适用”）",
            "items": [
                _number("herd_size", "奶畜存栏数", "头", "Q3", required=False),
                _yes_no("vet_drug_records", "兽药使用记录完整，遵守休药期规定", "S1"),
                _yes_no(
                    "milk_sold_to_licensed",
                    "生鲜乳交售给持有收购许可证的收购站或乳制品生产企业",
                    "L3",
                ),
            ],
        },
    ],
}

DISTRIBUTION = {
    "code": "distribution",
    "name": "乳制品流通环节经营者检查表",
    "subject": "operator",
    "operator_kinds": ["wholesaler", "supermarket", "small_retailer"],
    "owner_kind": "AIC",
    "rules": "S3, L5",
    "sections": [
        {
            "title": "一、经营资格",
            "items": [
                _yes_no("distribution_licence_valid", "持有有效的食品流通许可证", "L5", photo=True),
                _yes_no(
                    "dairy_category_approved",
                    "流通许可证核定项目包含乳制品（含婴幼儿配方乳粉）类别",
                    "L5",
                    photo=True,
                    help_text="未取得乳制品类别许可经营乳制品的，属无证经营，依法取缔。",
                ),
                _yes_no("business_scope_matches", "营业执照经营范围与许可项目一致", "L5"),
            ],
        },
        {
            "title": "二、进货查验",
            "items": [
                _yes_no("purchase_inspection_system", "建立并执行乳制品进货查验制度", "S3"),
                _yes_no(
                    "supplier_qualification",
                    "审验供货商的经营资格（许可证、营业执照）并留存复印件",
                    "S3",
                ),
                _yes_no(
                    "product_certificates",
                    "查验并留存乳制品合格证明（出厂检验合格证或检验报告）",
                    "S3",
                    photo=True,
                ),
            ],
        },
        {
            "title": "三、进货台账",
            "items": [
                _yes_no("purchase_ledger_kept", "建立乳制品进货台账", "S3", photo=True),
                _yes_no(
                    "purchase_ledger_complete",
                    "进货台账如实记录乳制品名称、规格、数量、供货商及其联系方式、进货时间",
                    "S3",
                    help_text="缺项的，在备注中写明缺少哪些内容。",
                ),
                _number("dairy_varieties", "在售乳制品品种数", "种", "S3", required=False),
            ],
        },
        {
            "title": "四、批发销售台账（批发企业、总经销或总代理填写，其他答“不适用”）",
            "items": [
                _yes_no("wholesale_ledger_kept", "建立乳制品批发销售台账", "S3"),
                _yes_no(
                    "wholesale_ledger_complete",
                    "销售台账如实记录批发乳制品的品种、规格、数量、流向",
                    "S3",
                ),
            ],
        },
        {
            "title": "五、在售商品",
            "items": [
                _yes_no(
                    "no_recalled_products",
                    "未发现已通报三聚氰胺超标、召回或下架批次的乳制品在售",
                    "L6",
                    photo=True,
                    help_text="发现销售三聚氰胺超过临时管理限量值乳制品的，一律吊销许可证和营业执照。",
                ),
                _choice(
                    "infant_formula_sampling",
                    "婴幼儿配方乳粉抽检",
                    ["已纳入抽检计划", "本次已抽样", "未抽检", "不经营婴幼儿配方乳粉"],
                    "Q5",
                ),
                _photo("shelf_photo", "乳制品货架照片", "S3"),
            ],
        },
    ],
}

CATERING = {
    "code": "catering",
    "name": "餐饮服务单位乳制品检查表",
    "subject": "operator",
    "operator_kinds": ["catering"],
    "owner_kind": "FDA",
    "rules": "S4",
    "sections": [
        {
            "title": "一、索证索票与来源",
            "items": [
                _yes_no(
                    "certificates_kept",
                    "乳制品进货索证索票齐全（供货方许可证、产品检验合格证明、购货发票）",
                    "S4",
                ),
                _yes_no("purchase_records", "建立乳制品及乳制品原料进货记录", "S4"),
                _yes_no(
                    "dairy_source_known",
                    "在用乳制品来源清楚，无来源不明或可疑乳制品",
                    "S4",
                    help_text="发现来源不明或可疑乳制品的，责令立即停止使用、就地销毁，并追查来源。",
                ),
                _text("main_supplier", "主要乳制品供货单位", "S4"),
            ],
        },
        {
            "title": "二、贮存条件",
            "items": [
                _yes_no(
                    "storage_conditions",
                    "乳制品及乳制品原料贮存条件符合标签要求（冷藏、避光、离地离墙）",
                    "S4",
                    photo=True,
                    help_text="不符合贮存条件的，责令限期整改。",
                ),
                _number("cold_storage_temperature", "冷藏设施实测温度", "℃", "S4", required=False),
                _photo("storage_photo", "乳制品贮存场所照片", "S4"),
            ],
        },
        {
            "title": "三、保质期与标签",
            "items": [
                _yes_no(
                    "no_expired_dairy",
                    "无过期乳制品",
                    "S4",
                    photo=True,
                    help_text="已超过保质期的，监督其立即销毁，记录品名、数量和见证人。",
                ),
                _yes_no("labels_complete", "在用乳制品标签完整，标明生产日期和保质期", "S4"),
                _number("dairy_kinds_in_use", "在用乳制品品种数", "种", "S4", required=False),
            ],
        },
    ],
}

IMPORT_CONSIGNMENT = {
    "code": "import_consignment",
    "name": "进口乳品检验检疫核查表",
    "subject": "consignment",
    "operator_kinds": [],
    "owner_kind": "CIQ",
    "rules": "S5",
    "sections": [
        {
            "title": "一、随附卫生证书",
            "items": [
                _yes_no("health_certificate_present", "每批货物随附输出国家（地区）官方卫生证书", "S5"),
                _yes_no(
                    "certificate_content",
                    "卫生证书内容与货物品名、数量、批号、生产日期相符",
                    "S5",
                    photo=True,
                ),
                _yes_no("certificate_seal", "卫生证书印章与备案印模一致", "S5", photo=True),
                _yes_no("certificate_signatory", "卫生证书由授权人签字，签字与备案一致", "S5"),
            ],
        },
        {
            "title": "二、检疫审批与收货人备案",
            "items": [
                _choice(
                    "quarantine_permit",
                    "《中华人民共和国进境动植物检疫许可证》",
                    ["已取得", "无需办理检疫审批", "需办理但未取得"],
                    "S5",
                    help_text="需办理检疫审批而未取得许可证的，不得进口。",
                ),
                _yes_no("consignee_filed", "境内收货人已按规定备案", "S5"),
                _yes_no(
                    "importer_records",
                    "进口商建立进口和销售记录，落实保证乳品符合食品安全国家标准的主体责任",
                    "S5",
                ),
            ],
        },
        {
            "title": "三、监管场所与检验",
            "items": [
                _yes_no(
                    "designated_warehouse",
                    "货物存放于检验检疫机构指定或认可的监管场所",
                    "S5",
                    photo=True,
                ),
                _yes_no(
                    "not_sold_before_clearance",
                    "取得检验检疫合格证明前未销售、使用",
                    "S5",
                    photo=True,
                ),
                _choice(
                    "lab_sampling",
                    "抽样送检情况",
                    ["已抽样送检", "待抽样"],
                    "S5",
                    help_text="涉及安全、健康、环境保护项目不合格的，责令销毁或退运。",
                ),
            ],
        },
        {
            "title": "四、标签",
            "items": [
                _yes_no(
                    "chinese_label",
                    "中文标签符合食品安全国家标准（品名、配料、原产国、境内代理商、生产日期、保质期）",
                    "S5",
                    photo=True,
                ),
                _yes_no(
                    "infant_formula_label",
                    "婴幼儿配方乳粉标签标示的营养成分符合国家标准（非婴幼儿配方乳粉答“不适用”）",
                    "S5",
                ),
                _photo("label_photo", "外包装及中文标签照片", "S5"),
            ],
        },
    ],
}

BLACK_DEN_SWEEP = {
    "code": "black_den_sweep",
    "name": "乳品“黑窝点”清剿排查表",
    "subject": "sweep",
    "operator_kinds": [],
    "owner_kind": "GOV",
    "rules": "C1",
    "sections": [
        {
            "title": "一、组织领导",
            "items": [
                _yes_no("leader_in_charge", "由政府分管领导牵头组织本次清剿", "C1"),
                _yes_no("departments_joined", "工商、质监、农业、公安等有关部门联合参加", "C1"),
            ],
        },
        {
            "title": "二、重点区域排查",
            "items": [
                _yes_no("rural_areas_swept", "已排查农村地区", "C1"),
                _yes_no("fringe_swept", "已排查城乡结合部", "C1"),
                _yes_no("temporary_buildings_swept", "已排查城镇临时建筑", "C1"),
                _yes_no("rented_warehouses_swept", "已排查出租库房", "C1"),
                _number("sites_checked", "排查点位数", "处", "C1"),
            ],
        },
        {
            "title": "三、发现与处理",
            "items": [
                _number("dens_found", "发现“黑窝点”数", "个", "C1"),
                _number("dens_banned", "已取缔“黑窝点”数", "个", "C1"),
                _number("product_seized_kg", "查扣乳制品及原料", "千克", "C1", required=False),
                _yes_no(
                    "all_dens_banned",
                    "发现的“黑窝点”均已及时取缔",
                    "C1",
                    photo=True,
                    help_text="辖区内出现“黑窝点”且未被及时清剿的，追究当地政府和有关部门负责人责任。",
                ),
                _yes_no(
                    "no_overlimit_powder",
                    "未发现藏匿的三聚氰胺超标乳粉重新流入生产、经营、消费环节",
                    "C1",
                    photo=True,
                ),
                _number("cases_referred", "移送公安机关的涉嫌犯罪案件数", "件", "C2"),
                _photo("site_photo", "现场照片", "C1"),
            ],
        },
    ],
}

SUPERVISORY_INSPECTION = {
    "code": "supervisory_inspection",
    "name": "乳制品专项整治督导检查表",
    "subject": "jurisdiction",
    "operator_kinds": [],
    "owner_kind": "FSO",
    "rules": "P1, P2",
    "sections": [
        {
            "title": "一、组织领导",
            "items": [
                _yes_no("leading_group", "成立专项整治领导小组，政府领导牵头负责", "P1"),
                _yes_no("local_plan_issued", "制定并印发本地区专项整治实施方案", "P1"),
                _yes_no("responsibility_letters", "层层签订工作目标责任书", "P2"),
            ],
        },
        {
            "title": "二、排查整改",
            "items": [
                _yes_no("census_done", "摸清乳制品生产经营者底数及分布情况", "P1"),
                _number("operators_registered", "登记在册的乳制品生产经营者数", "家", "P1"),
                _yes_no("self_inspection_organised", "督促生产经营者开展自查自纠", "P1"),
                _yes_no("producers_all_inspected", "乳制品、含乳食品生产企业逐家执法排查全覆盖", "S2"),
                _yes_no("catering_all_inspected", "餐饮服务单位全面检查", "S4"),
                _number("operators_inspected", "已检查生产经营者数", "家", "P1"),
            ],
        },
        {
            "title": "三、抽样检验",
            "items": [
                _yes_no(
                    "sampling_targets_met",
                    "抽检达到方案要求（原料乳15%、站车厂全覆盖、规模养殖场15%、出厂产品每周）",
                    "Q6",
                ),
                _number("samples_taken", "累计抽检批次", "批", "Q6"),
                _yes_no("nonconforming_controlled", "不合格产品均已控制并立案查处", "Q8"),
            ],
        },
        {
            "title": "四、案件查处与信息报送",
            "items": [
                _number("cases_opened", "立案查处案件数", "件", "C2"),
                _yes_no("crimes_referred", "涉嫌犯罪案件及时移送公安机关", "C2"),
                _yes_no("listed_supervision", "重大、跨地区案件实行挂牌督办", "C2"),
                _yes_no("hotlines_working", "12315、12365热线受理咨询、投诉、举报，落实有奖举报", "P3"),
                _yes_no("progress_reported", "按要求报送工作进展，重大案件和突发事件及时上报", "P4"),
                _text("problems_and_advice", "存在的问题及督导意见", "P1", required=True),
            ],
        },
    ],
}

BUILTIN_TEMPLATES = [
    PRODUCTION_PLANT,
    INFANT_FORMULA_DAILY_LOG,
    RAW_MILK_STATION,
    FARM_AND_FEED_MILL,
    DISTRIBUTION,
    CATERING,
    IMPORT_CONSIGNMENT,
    BLACK_DEN_SWEEP,
    SUPERVISORY_INSPECTION,
]

BUILTIN_CHANGE_NOTE = "按整治方案制定的初始版本"
