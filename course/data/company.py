"""The fictional retailer 「悦家优选」: its customers and their orders.

Customers carry a few hidden columns (names starting with ``_``: true value, end of activity, churn
date) that later tables use to stay consistent with the orders; build.py never writes them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from course.core.vocab import SATISFACTION
from course.data.dictionary import columns

START = pd.Timestamp("2022-01-01")
END = pd.Timestamp("2024-12-31")
N_CUSTOMERS = 2000

# share of each satisfaction level that leaves during 2024 — the "80/40/20/10/2" rule of thumb
CHURN_RATE = (0.80, 0.40, 0.20, 0.10, 0.02)
SATISFACTION_WEIGHTS = (0.06, 0.10, 0.24, 0.40, 0.20)
TIERS = ("普通", "银卡", "金卡", "钻石")
# tier from net spend over the whole period (yuan): at least this much for 银卡 / 金卡 / 钻石
TIER_THRESHOLDS = (5_000, 20_000, 80_000)
AGE_BANDS = ("18-25", "26-35", "36-45", "46-55", "56+")
CUSTOMER_TYPES = ("个人", "企业")
CHANNELS = ("天猫旗舰店", "微信小程序", "门店", "企业客户经理")
GENDERS = ("男", "女")

# city -> first four digits of a (fictional) ID number
CITIES = {
    "上海": "3101", "杭州": "3301", "宁波": "3302", "南京": "3201", "苏州": "3205", "无锡": "3202",
    "合肥": "3401", "武汉": "4201", "长沙": "4301", "南昌": "3601", "郑州": "4101",
}
CITY_WEIGHTS = (0.18, 0.13, 0.07, 0.11, 0.10, 0.05, 0.08, 0.10, 0.08, 0.05, 0.05)
INDUSTRIES = {  # industry -> the word it adds to a company name
    "餐饮": "餐饮管理", "酒店": "酒店管理", "零售": "商贸", "教育": "教育科技",
    "医疗": "医疗管理", "物业": "物业服务", "办公": "科技", "制造": "机械制造",
}
# product category -> (share of orders, relative ticket size)
CATEGORIES = {
    "空调": (0.10, 3.0), "冰箱洗衣机": (0.12, 2.5), "电视影音": (0.08, 2.2),
    "厨房电器": (0.20, 1.0), "清洁电器": (0.15, 1.0), "生活小家电": (0.20, 0.4),
    "配件耗材": (0.10, 0.15), "安装维修服务": (0.05, 0.3),
}

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程"
    "魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金贾夏付方邹熊白孟秦邱侯江尹薛段雷龙黎史陶贺毛郝顾龚邵万"
    "钱戴严莫孔向常汤康易乔赖文施洪辛柯庄傅"
)
GIVEN_MALE = list("伟强磊军洋勇杰涛明超浩鹏辉刚斌宇峰建平志文博俊凯晨旭东海亮波")
GIVEN_FEMALE = list("芳娜敏静丽艳娟霞玲燕婷雪慧颖琳洁倩欣悦佳怡梅兰萍月红琴云晶")
BRANDS = list(
    "恒达 瑞丰 金禾 嘉源 鑫盛 华晨 宏图 佳和 远航 德润 新锐 汇通 锦程 明辉 永泰 康宁 启航 安信 博雅 "
    "和泰 蓝海 青禾 信诚 天恒 致远 润洋 益民 晟达 福瑞 中和".split()
)
MOBILE_PREFIXES = ("133", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159",
                   "177", "180", "181", "186", "187", "188", "189", "199")
EMAIL_DOMAINS = ("example.com", "example.cn", "example.net")

DAY = np.timedelta64(1, "D")


def _days(a, b) -> np.ndarray:
    """Whole days from a to b (arrays of datetime64)."""
    return ((np.asarray(b, "datetime64[D]") - np.asarray(a, "datetime64[D]")) / DAY).astype(int)


def _join_dates(rng: np.random.Generator, n: int) -> np.ndarray:
    # sign-ups grow over time: density rises linearly from 0.6 to 1.4 across the period
    u = rng.random(n)
    a, b = 0.6, 1.4
    x = (-a + np.sqrt(a * a + 2 * (b - a) * u * (a + b) / 2)) / (b - a)
    span = _days(START, END)
    return np.datetime64(START.date()) + np.floor(x * span).astype(int) * DAY


def _names(rng, gender: np.ndarray) -> list[str]:
    surname = rng.choice(SURNAMES, len(gender))
    out = []
    for i, g in enumerate(gender):
        pool = GIVEN_MALE if g == "男" else GIVEN_FEMALE
        k = 1 if rng.random() < 0.35 else 2
        out.append(surname[i] + "".join(rng.choice(pool, k)))
    return out


def _company_names(rng, city: np.ndarray, industry: np.ndarray) -> list[str]:
    used: set[str] = set()
    out = []
    for c, ind in zip(city, industry):
        for brand in rng.permutation(BRANDS):
            name = f"{c}{brand}{INDUSTRIES[ind]}有限公司"
            if name not in used:
                break
        used.add(name)
        out.append(name)
    return out


def _id_number(rng, city: str, birth: pd.Timestamp, male: bool) -> str:
    # district "00" is the city itself, which no person's ID carries: the numbers stay fictional
    seq = int(rng.integers(0, 500)) * 2 + (1 if male else 0)
    body = f"{CITIES[city]}00{birth:%Y%m%d}{seq:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    return body + check


def generate_customers(rng: np.random.Generator, n: int = N_CUSTOMERS) -> pd.DataFrame:
    """Customers, with hidden columns ``_value``, ``_end``, ``_churn_date``, ``_dormant``."""
    ids = [f"C{i:05d}" for i in range(1, n + 1)]
    ctype = np.where(rng.random(n) < 0.2, "企业", "个人")
    business = ctype == "企业"
    city = rng.choice(list(CITIES), n, p=CITY_WEIGHTS)
    industry = np.where(business, rng.choice(list(INDUSTRIES), n), "")
    gender = np.where(business, "", rng.choice(GENDERS, n, p=(0.48, 0.52)))
    age_band = np.where(business, "", rng.choice(AGE_BANDS, n, p=(0.10, 0.32, 0.28, 0.18, 0.12)))
    person_channel = rng.choice(CHANNELS[:3], n, p=(0.40, 0.30, 0.30))
    biz_channel = np.where(rng.random(n) < 0.75, "企业客户经理", person_channel)
    channel = np.where(business, biz_channel, person_channel)
    join = _join_dates(rng, n)

    names = np.empty(n, dtype=object)
    names[~business] = _names(rng, gender[~business])
    names[business] = _company_names(rng, city[business], industry[business])

    satisfaction = rng.choice(len(SATISFACTION), n, p=SATISFACTION_WEIGHTS)
    # a lognormal customer value with sigma 1.5 (plus uneven tenure) concentrates revenue the 80/20 way
    value = rng.lognormal(0.0, 1.5, n) * np.where(business, 3.0, 1.0)

    end = np.full(n, np.datetime64(END.date()), dtype="datetime64[D]")
    churn_date = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    churned = np.zeros(n, dtype=bool)
    y2024 = np.datetime64("2024-01-01")
    eligible = join < np.datetime64("2024-11-01")
    for level, rate in enumerate(CHURN_RATE):
        members = np.flatnonzero(satisfaction == level)
        # exact allocation per level keeps the 80/40/20/10/2 pattern stable
        k = int(round(rate * len(members)))
        pool = members[eligible[members]]
        pick = rng.choice(pool, k, replace=False)
        churned[pick] = True
    idx = np.flatnonzero(churned)
    lo = np.maximum(join[idx] + 30 * DAY, y2024)
    churn_date[idx] = lo + np.floor(rng.random(len(idx)) * (_days(lo, END) + 1)).astype(int) * DAY
    end[idx] = churn_date[idx]

    # dormant: still customers, but their last purchase lies well before the last 180 days
    dormant = (~churned) & (join < np.datetime64("2023-10-01")) & (rng.random(n) < 0.08)
    idx = np.flatnonzero(dormant)
    hi = np.datetime64("2024-06-15")
    lo = join[idx] + 60 * DAY
    end[idx] = lo + np.floor(rng.random(len(idx)) * _days(lo, hi)).astype(int) * DAY

    phone = [p + f"{x:08d}" for p, x in zip(rng.choice(MOBILE_PREFIXES, n),
                                             rng.integers(0, 10**8, n))]
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    email = [
        "".join(rng.choice(letters, int(rng.integers(3, 7)))) + f"{int(rng.integers(10, 1000))}@"
        + str(rng.choice(EMAIL_DOMAINS))
        for _ in range(n)
    ]
    band_ages = {"18-25": (18, 25), "26-35": (26, 35), "36-45": (36, 45), "46-55": (46, 55),
                 "56+": (56, 75)}
    id_number = []
    for i in range(n):
        if business[i]:
            id_number.append("")
            continue
        a, b = band_ages[age_band[i]]
        birth = pd.Timestamp("2025-01-01") - pd.Timedelta(
            days=int(rng.integers(a * 365 + 1, (b + 1) * 365 - 1)))
        id_number.append(_id_number(rng, city[i], birth, gender[i] == "男"))

    return pd.DataFrame({
        "customer_id": ids, "name": names, "gender": gender, "age_band": age_band, "city": city,
        "customer_type": ctype, "industry": industry, "channel": channel,
        "join_date": pd.to_datetime(join), "tier": "",  # filled from orders by add_tiers
        "satisfaction": np.asarray(SATISFACTION)[satisfaction], "churned": churned,
        "phone": phone, "email": email, "id_number": id_number,
        "_value": value, "_end": pd.to_datetime(end), "_churn_date": pd.to_datetime(churn_date),
        "_dormant": dormant,
    })


def generate_orders(rng: np.random.Generator, customers: pd.DataFrame) -> pd.DataFrame:
    """Orders and returns between each customer's join date and the end of their activity."""
    value = customers["_value"].to_numpy()
    join = customers["join_date"].to_numpy().astype("datetime64[D]")
    end = customers["_end"].to_numpy().astype("datetime64[D]")
    years = _days(join, end) / 365.25
    rate = np.clip(6.0 * value**0.45, 0.3, 60)  # purchases per year
    ticket = 600.0 * value**0.55  # typical order size, yuan
    n_extra = rng.poisson(rate * years)
    n_extra = np.where(customers["_dormant"].to_numpy(), np.maximum(n_extra, 1), n_extra)
    n_orders = 1 + n_extra

    who = np.repeat(np.arange(len(customers)), n_orders)
    first = np.r_[0, np.cumsum(n_orders)[:-1]]
    is_first = np.zeros(len(who), dtype=bool)
    is_first[first] = True
    span = _days(join, end)[who]
    # the first purchase happens on the join date, later ones anywhere up to the end of activity
    offset = np.where(is_first, 0, 1 + np.floor(rng.random(len(who)) * np.maximum(span, 1)))
    offset = np.minimum(offset, span).astype(int)
    date = join[who] + offset * DAY

    names = list(CATEGORIES)
    share = np.array([CATEGORIES[c][0] for c in names])
    size = np.array([CATEGORIES[c][1] for c in names])
    size = size / (share * size).sum()
    cat = rng.choice(len(names), len(who), p=share)
    noise = rng.lognormal(-0.18, 0.6, len(who))  # mean about 1
    amount = np.round(np.maximum(ticket[who] * size[cat] * noise, 19.9), 2)

    own = customers["channel"].to_numpy()[who]
    stay = rng.random(len(who)) < np.where(own == "企业客户经理", 0.9, 0.65)
    other = rng.choice(CHANNELS[:3], len(who), p=(0.45, 0.35, 0.20))
    channel = np.where(stay, own, other)

    buys = pd.DataFrame({
        "customer_id": customers["customer_id"].to_numpy()[who],
        "order_date": date, "amount": amount, "channel": channel,
        "category": np.asarray(names)[cat], "_end": end[who],
    })
    # about 3% of purchases come back within two weeks, in full or in part
    ret_day = buys["order_date"].to_numpy().astype("datetime64[D]") + rng.integers(1, 15, len(buys)) * DAY
    back = (rng.random(len(buys)) < 0.03) & (ret_day <= buys["_end"].to_numpy().astype("datetime64[D]"))
    part = np.where(rng.random(len(buys)) < 0.8, 1.0, rng.uniform(0.2, 0.6, len(buys)))
    buys["_key"] = np.arange(len(buys))
    returns = buys[back].copy()
    returns["order_date"] = ret_day[back]
    returns["amount"] = -np.round(buys["amount"].to_numpy()[back] * part[back], 2)
    returns["_ref"] = returns["_key"]
    buys["_ref"] = -1
    rows = pd.concat([buys, returns], ignore_index=True)
    rows["order_date"] = pd.to_datetime(rows["order_date"])
    rows["_ret"] = rows["_ref"] >= 0
    rows = rows.sort_values(["order_date", "customer_id", "_ret", "_key"], kind="stable")
    rows = rows.reset_index(drop=True)
    rows["order_id"] = [f"O{i:06d}" for i in range(1, len(rows) + 1)]
    id_of = dict(zip(rows.loc[~rows["_ret"], "_key"], rows.loc[~rows["_ret"], "order_id"]))
    rows["ref_order_id"] = [id_of[k] if k >= 0 else "" for k in rows["_ref"]]
    return rows[columns("orders")]


def add_tiers(customers: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """Fill ``tier`` from each customer's net spend (returns included)."""
    spend = orders.groupby("customer_id")["amount"].sum().reindex(customers["customer_id"]).fillna(0)
    level = np.searchsorted(np.asarray(TIER_THRESHOLDS), spend.to_numpy(), side="right")
    out = customers.copy()
    out["tier"] = np.asarray(TIERS)[level]
    return out


def generate(rng_customers: np.random.Generator, rng_orders: np.random.Generator):
    """(customers with hidden columns, orders) — the two core tables, consistent with each other."""
    customers = generate_customers(rng_customers)
    orders = generate_orders(rng_orders, customers)
    return add_tiers(customers, orders), orders


def _codes(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Ids such as O0000001 for many numbers at once, built digit by digit without a Python loop."""
    chars = np.empty((len(numbers), width + 1), dtype=np.uint8)
    chars[:, 0] = ord(prefix)
    rest = numbers.astype(np.int64)
    for col in range(width, 0, -1):
        chars[:, col] = ord("0") + rest % 10
        rest //= 10
    return chars.view(f"S{width + 1}").ravel().astype(f"U{width + 1}")


def big_orders(n_rows: int, seed: int) -> pd.DataFrame:
    """A large orders-like table (no returns), vectorised so a million rows take about a second."""
    rng = np.random.default_rng(seed)
    n_customers = max(n_rows // 12, 1)
    value = rng.lognormal(0.0, 1.5, n_customers)
    weight = value**0.45
    who = rng.choice(n_customers, n_rows, p=weight / weight.sum())
    day = rng.integers(0, _days(START, END) + 1, n_rows).astype(np.int16)
    order = np.argsort(day, kind="stable")  # a radix sort for 16-bit integers: fast
    who = who[order]
    date = np.datetime64(START.date()) + day[order].astype(np.int64) * DAY
    names = list(CATEGORIES)
    share = np.array([CATEGORIES[c][0] for c in names])
    size = np.array([CATEGORIES[c][1] for c in names])
    cat = rng.choice(len(names), n_rows, p=share)
    noise = rng.lognormal(-0.18, 0.6, n_rows)
    amount = np.round(np.maximum(600.0 * value[who] ** 0.55 * size[cat] / (share * size).sum()
                                 * noise, 19.9), 2)
    customer_ids = pd.Categorical.from_codes(
        who, _codes("C", np.arange(1, n_customers + 1), max(6, len(str(n_customers)))))
    return pd.DataFrame({
        "order_id": pd.Series(_codes("O", np.arange(1, n_rows + 1), max(7, len(str(n_rows)))),
                              dtype="str"),
        "customer_id": pd.Series(customer_ids).astype("str"),
        "order_date": pd.to_datetime(date).astype("datetime64[us]"),
        "amount": amount,
        "channel": pd.Categorical.from_codes(rng.choice(4, n_rows, p=(0.4, 0.3, 0.2, 0.1)),
                                             list(CHANNELS)),
        "category": pd.Categorical.from_codes(cat, names),
        "ref_order_id": pd.Series(pd.NA, index=range(n_rows), dtype="str"),
    })
