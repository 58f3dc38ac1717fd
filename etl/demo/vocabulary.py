"""Canonical codes of the generated people and records, and the words bureaus write for them."""

# --- Canonical codes ----------------------------------------------------------------------

CATEGORY_NAMES = ("独居", "空巢", "孤寡", "失能", "半失能", "重残", "计生特殊家庭")
LONE, EMPTY_NEST, WIDOWED, DISABLED, SEMI_DISABLED, SEVERE, FAMILY_PLANNING = (
    1 << i for i in range(len(CATEGORY_NAMES))
)
# (categories, weight) for elders who carry at least one roster category; ~34% include 独居.
CATEGORY_COMBOS = (
    (LONE, 22), (LONE | WIDOWED, 5), (LONE | DISABLED, 3), (LONE | SEMI_DISABLED, 4),
    (EMPTY_NEST, 20), (EMPTY_NEST | DISABLED, 4), (EMPTY_NEST | SEMI_DISABLED, 5),
    (WIDOWED, 4), (DISABLED, 8), (SEMI_DISABLED, 8), (SEVERE, 6), (SEVERE | DISABLED, 2),
    (FAMILY_PLANNING, 6), (FAMILY_PLANNING | EMPTY_NEST, 3),
)

LIVING_LONE, LIVING_COUPLE, LIVING_CHILDREN, LIVING_RELATIVES, LIVING_OTHER, LIVING_BLANK = range(6)
ABILITY_DISABLED, ABILITY_SEMI, ABILITY_SELF, ABILITY_BLANK = range(4)
CONSENT_YES, CONSENT_NO, CONSENT_BLANK = range(3)
STATUS_ACTIVE, STATUS_DEAD, STATUS_MOVED, STATUS_INSTITUTION, STATUS_AWAY = range(5)
RISK_HIGH, RISK_MEDIUM, RISK_LOW, RISK_BLANK = range(4)
EVENT_NONE, EVENT_VANISH, EVENT_MOVE, EVENT_UNMARK, EVENT_MARK = range(5)
HOME, PHONE, VIDEO, ONLINE, STREET = range(5)  # 上门 电话 视频 线上 路遇
NORMAL, PROBLEM, EMERGENCY, NOT_MET, REFUSED = range(5)  # 正常 发现问题 紧急 未遇 拒访
RELATION_NAMES = ("子女", "邻居", "网格员", "志愿者")
ROLE_NAMES = ("网格员", "社工", "志愿者")

# --- Spellings (all from etl/mappings: headers.csv and values.csv) --------------------------

SERIAL_HEADERS = ("序号", "编号")
PLACE_HEADERS = {
    "street": ("街道", "所属街道", "街道名称", "街道(乡镇)", "街道", "所属街道"),
    "community": ("社区", "所属社区", "居委会", "社区名称", "社区(村)", "社区"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证", "身份证号码"),
}
ROSTER_HEADERS = {
    "name": ("姓名", "老人姓名", "姓名", "服务对象姓名"),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生日期", "出生年月"),
    "address": ("家庭住址", "居住地址", "住址", "现住址"),
    "phone": ("联系电话", "手机号码", "电话"),
    "categories": ("特殊困难类别", "老人类型", "人员类别", "类别"),
    "living": ("居住情况", "居住方式", "居住状况"),
    "disability": ("失能程度", "失能等级", "自理能力"),
    "consent": ("是否同意探访", "本人意愿", "意愿"),
    "status": ("状态", "在册状态"),
    "change_date": ("变动日期", "变动时间"),
    "reg_date": ("建档日期", "登记日期"),
    "visitor": ("包联人", "探访责任人"),
    "risk_level": ("风险等级",),
}
VISIT_HEADERS = {
    "name": ("老人姓名", "姓名", "服务对象姓名"),
    "visit_date": ("探访日期", "探访时间", "走访日期", "服务日期"),
    "method": ("探访方式", "走访方式"),
    "outcome": ("探访结果", "老人状态"),
    "visitor": ("探访人", "走访人"),
    "visitor_role": ("探访人身份", "探访人类型"),
    "findings": ("探访情况", "探访内容", "主要情况"),
    "problem": ("发现问题", "存在问题"),
    "action": ("处置情况", "处理措施"),
    "latitude": ("纬度",),
    "longitude": ("经度",),
    "resolution": ("处置结果", "办理结果"),
    "referral": ("转介情况",),
    "entered_at": ("录入时间", "填报时间", "创建时间"),
}
CONTACT_HEADERS = {
    "name": ("老人姓名", "失能老人姓名", "姓名"),
    "contact_name": ("联系人", "联系人姓名", "帮扶联系人"),
    "relation": ("与老人关系", "关系"),
    "contact_phone": ("联系人电话", "联系人手机"),
    "has_key": ("是否有钥匙", "持有钥匙"),
    "set_date": ("确定日期", "确定时间", "设立日期"),
}
CATEGORY_LABELS = (  # one column per variant family, in CATEGORY_NAMES order, then 高龄
    ("独居", "独居老人", "独居"),
    ("空巢", "空巢老人", "空巢"),
    ("孤寡", "孤寡老人", "孤寡老人"),
    ("失能", "失能老人", "完全失能"),
    ("半失能", "半失能老人", "部分失能"),
    ("重残", "重度残疾", "一二级残疾"),
    ("计生特殊家庭", "计划生育特殊家庭", "失独"),
    ("高龄", "高龄老人", "高龄"),
)
LIVING_LABELS = (
    ("独居", "独自居住", "一人居住"),
    ("与配偶同住", "仅与配偶同住", "夫妻同住"),
    ("与子女同住", "与子女居住", "与家人同住"),
    ("与其他亲属同住",),
    ("其他",),
)
ABILITY_LABELS = (("失能", "完全失能", "重度失能"), ("半失能", "部分失能", "中度失能"),
                  ("自理", "能力完好", "生活自理", "能自理"))
CONSENT_LABELS = (("同意", "不同意"), ("是", "否"), ("愿意", "不愿意"), ("同意探访", "不同意探访"))
STATUS_LABELS = (
    ("在册", "正常", "在档"),
    ("死亡", "去世", "已故", "亡故"),
    ("迁出", "户籍迁出", "迁移"),
    ("入住机构", "入住养老机构", "入住养老院"),
    ("外出", "异地居住", "长期外出"),
)
RISK_LABELS = (("高", "中", "低"), ("高风险", "中风险", "低风险"))
YES_NO_LABELS = (("是", "否"), ("有", "无"))
METHOD_LABELS = (
    ("上门", "入户", "入户走访", "上门探访", "入户探访"),
    ("电话", "电话问候", "电话探访", "电话联系"),
    ("视频", "微信视频", "视频通话"),
    ("主动关爱电话", "智能设备", "平台", "线上"),
    ("路遇",),
)
OUTCOME_LABELS = (
    ("正常", "良好", "无异常", "情况良好"),
    ("发现问题", "存在问题"),
    ("紧急", "紧急情况"),
    ("未遇", "无人在家", "不在家", "未见到本人"),
    ("拒访", "拒绝探访"),
)
UNKNOWN_METHOD = "托人带话"
# Attributes written in words no mapping knows (the row loads, the field unknown, with a warning).
UNKNOWN_VALUES = {"living": "待核实", "disability": "待评估", "consent": "待定"}
UNKNOWN_COMMUNITIES = ("幸福里社区", "光明里社区", "和谐家园社区", "阳光花园社区", "建设里社区",
                       "红旗里社区")

NOTES = {  # (method, outcome) -> what the visitor wrote
    (HOME, NORMAL): (
        "老人身体状况良好，生活规律，居家环境整洁",
        "老人精神状态较好，饮食正常，无特殊需求",
        "了解老人近况，血压平稳，家中水电燃气正常",
        "老人身体健康，子女定期看望，生活有保障",
        "协助老人整理药品，提醒按时服药",
        "检查家中用电用气安全，未发现隐患",
        "与老人聊天谈心，老人情绪稳定",
    ),
    (HOME, NOT_MET): (
        "敲门无人应答，已电话联系家属", "老人外出就医，未见到本人", "家中无人，约定次日再访",
    ),
    (HOME, REFUSED): ("老人表示不需要探访，已做好解释", "老人不愿开门，隔门询问一切正常"),
    (PHONE, NORMAL): (
        "电话问候，老人身体状况良好", "电话联系，老人表示一切正常", "询问老人饮食起居，无异常",
    ),
    (PHONE, NOT_MET): ("电话无人接听", "电话未接通，稍后再次联系"),
    (VIDEO, NORMAL): ("微信视频通话，老人精神状态良好", "视频连线，老人在家休息，状态正常"),
    (VIDEO, NOT_MET): ("视频未接通",),
    (ONLINE, NORMAL): ("主动关爱电话接通，老人应答正常", "智能设备监测正常"),
    (ONLINE, NOT_MET): ("主动关爱电话未接听",),
    (STREET, NORMAL): ("路遇老人，交谈片刻，精神状态良好",),
}
ISSUES = {  # outcome -> (what was found, the problem, what was done)
    PROBLEM: (
        ("老人近期血压偏高，精神欠佳", "血压偏高", "已联系家属陪同就医"),
        ("家中燃气灶老化，存在安全隐患", "燃气安全隐患", "已联系燃气公司上门检修"),
        ("卫生间地面湿滑，无扶手", "存在跌倒风险", "已协调安装扶手和防滑垫"),
        ("家中取暖设备故障，室温偏低", "冬季取暖不足", "已联系物业维修"),
        ("老人行动不便，独自就医困难", "就医困难", "已协助预约家庭医生上门"),
        ("家中电线老化裸露", "用电安全隐患", "已上报街道协调解决"),
    ),
    EMERGENCY: (
        ("老人在家中摔倒，无法起身", "老人摔倒受伤", "已拨打120送医并通知家属"),
        ("老人突发胸闷气短", "突发疾病", "已拨打120，网格员陪同送医"),
    ),
}

SURNAMES = tuple(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
    "贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
    "雷钱汤尹黎易常武乔贺赖龚文"
)
ELDER_CHARS = (
    tuple("国建明德文志福宝永庆树春长金立振成华海林忠义全兴顺广祥学贵山荣生富有良才仁杰宏"),
    tuple("淑秀桂玉兰英芳珍华凤琴云霞敏丽红梅萍素洁静慧娟艳琳莲翠菊香美荣"),
)
YOUNG_CHARS = (
    tuple("伟强磊洋勇军杰涛超明刚平辉鹏华飞鑫波斌宇浩凯健俊帆亮"),
    tuple("静丽敏燕艳娟霞芳娜丹玲萍红洁琳雪婷慧颖晶倩璐佳欣"),
)
MOBILE_PREFIXES = (130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156,
                   157, 158, 159, 173, 176, 177, 180, 181, 185, 186, 187, 188, 189)
LANDLINE_PREFIXES = ("2330", "2331", "2332", "2339", "2311", "2312", "2712", "2719")
TIANJIN_AREA_CODES = ("120101", "120102", "120103", "120104", "120105", "120106", "120110",
                      "120111", "120112", "120113", "120114", "120115", "120116")
HANDLING = (  # what 处置结果 says: nothing written, handled, not yet (by street variant)
    (None, None, None),
    ("已解决", "已办结", "已处理完毕"),
    ("跟进中", "未解决", "处理中"),
)
REFERRALS = ("无", "已转介社区卫生服务中心", "已转介街道综合执法", "已转至物业维修")
