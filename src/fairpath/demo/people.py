"""Fictional people for the demo data set: names, passports, phones, languages, grievance words.

Everything here is invented. Names are combined at random from short lists of common given
and family names of each origin country, so no generated person is meant to be a real one.
Passport numbers follow the *shape* of each country's numbers (letters and digit counts) and
phone numbers the country's mobile numbering, in E.164 form; e-mail addresses use the reserved
`example.com` domain (RFC 2606). Grievance texts are short first-person sentences in the
worker's language; they are demo texts, to be reviewed by a native speaker before any
real-world use.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Origin:
    """How people from one origin country are named, numbered and reached."""

    country: str
    currency: str
    language: str  # BCP 47: the language the worker reads
    other_languages: tuple[tuple[str, float], ...]  # extra languages and how often they are read
    male_given: tuple[str, ...]
    female_given: tuple[str, ...]
    family: tuple[str, ...]
    passport: Callable[[random.Random], str]
    phone: Callable[[random.Random], str]
    family_name_first: bool = False  # Vietnamese order: family, middle, given


def _digits(rng: random.Random, count: int) -> str:
    return f"{rng.randrange(10**count):0{count}d}"


def _upper(rng: random.Random, letters: str) -> str:
    return letters[int(rng.random() * len(letters))]


NEPAL = Origin(
    country="NP",
    currency="NPR",
    language="ne",
    other_languages=(("en", 0.25), ("hi", 0.15)),
    male_given=(
        "Ram",
        "Hari",
        "Krishna",
        "Bikash",
        "Suman",
        "Rajesh",
        "Dipak",
        "Santosh",
        "Nabin",
        "Prakash",
        "Bishnu",
        "Dil",
        "Mohan",
        "Sagar",
    ),
    female_given=("Sita", "Gita", "Sunita", "Anita", "Kamala", "Laxmi", "Sarita", "Puja"),
    family=(
        "Shrestha",
        "Tamang",
        "Gurung",
        "Magar",
        "Rai",
        "Limbu",
        "Thapa",
        "Karki",
        "Adhikari",
        "Yadav",
        "Chaudhary",
        "Sherpa",
        "Bhandari",
        "Khadka",
    ),
    passport=lambda rng: "PA" + _digits(rng, 7),
    phone=lambda rng: "+97798" + _digits(rng, 8),
)

BANGLADESH = Origin(
    country="BD",
    currency="BDT",
    language="bn",
    other_languages=(("en", 0.20),),
    male_given=(
        "Mohammad Rahim",
        "Abdul Karim",
        "Rafiqul",
        "Shahidul",
        "Jahangir",
        "Mizanur",
        "Kamrul",
        "Sohel",
        "Alamgir",
        "Nurul",
        "Jasim",
        "Habibur",
    ),
    female_given=("Nasrin", "Shirin", "Rokeya", "Fatema", "Shapla", "Taslima"),
    family=(
        "Hossain",
        "Rahman",
        "Islam",
        "Uddin",
        "Miah",
        "Ahmed",
        "Sarkar",
        "Sheikh",
        "Mondal",
        "Talukder",
        "Chowdhury",
    ),
    passport=lambda rng: "A" + _digits(rng, 8),
    phone=lambda rng: "+8801" + str(3 + int(rng.random() * 7)) + _digits(rng, 8),
)

VIET_NAM = Origin(
    country="VN",
    currency="VND",
    language="vi",
    other_languages=(("en", 0.08),),
    male_given=(
        "Văn Hùng",
        "Văn Dũng",
        "Đức Tuấn",
        "Văn Nam",
        "Minh Long",
        "Quốc Bảo",
        "Văn Thắng",
        "Hữu Phước",
    ),
    female_given=(
        "Thị Lan",
        "Thị Hương",
        "Thị Mai",
        "Ngọc Linh",
        "Thị Thảo",
        "Thị Hoa",
        "Thu Trang",
        "Thị Nhung",
    ),
    family=(
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Hoàng",
        "Huỳnh",
        "Phan",
        "Vũ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Ngô",
    ),
    passport=lambda rng: "C" + _digits(rng, 7),
    phone=lambda rng: "+849" + _digits(rng, 8),
    family_name_first=True,
)

PHILIPPINES = Origin(
    country="PH",
    currency="PHP",
    language="fil",
    other_languages=(("en", 0.90),),
    male_given=("Jose", "Mark Anthony", "Rodel", "Jomar"),
    female_given=(
        "Maria",
        "Rowena",
        "Jocelyn",
        "Marites",
        "Analyn",
        "Lorna",
        "Cristina",
        "Jennylyn",
        "Mary Grace",
        "Rosalie",
        "Divina",
        "Arlene",
    ),
    family=(
        "Santos",
        "Reyes",
        "Cruz",
        "Bautista",
        "Dela Cruz",
        "Garcia",
        "Mendoza",
        "Villanueva",
        "Ramos",
        "Aquino",
        "Castillo",
        "Pascual",
    ),
    passport=lambda rng: "P" + _digits(rng, 7) + _upper(rng, "ABC"),
    phone=lambda rng: "+639" + _digits(rng, 9),
)

MYANMAR = Origin(
    country="MM",
    currency="MMK",
    language="my",
    other_languages=(("th", 0.10),),
    # Burmese names have no family name; two or three syllables, written in Latin letters as
    # in passports.
    male_given=("Aung", "Kyaw", "Zaw", "Min", "Htun", "Win", "Myint", "Thant", "Soe", "Naing"),
    female_given=("Aye", "Mya", "Khin", "Thida", "Nwe", "Ei", "Phyu", "San", "Moe", "Hnin"),
    family=("Oo", "Lwin", "Htet", "Hlaing", "Zin", "Thu", "Myat", "Wai", "Khaing", "Aung"),
    passport=lambda rng: "M" + _upper(rng, "ABCDEFGH") + _digits(rng, 6),
    phone=lambda rng: "+959" + _digits(rng, 9),
)

INDONESIA = Origin(
    country="ID",
    currency="IDR",
    language="id",
    other_languages=(("jv", 0.30), ("en", 0.10)),
    male_given=("Budi", "Agus", "Slamet", "Eko"),
    female_given=(
        "Siti",
        "Sri",
        "Dewi",
        "Nur",
        "Wulan",
        "Rina",
        "Yuni",
        "Lestari",
        "Ratna",
        "Kartini",
        "Umi",
        "Endang",
    ),
    family=(
        "Rahayu",
        "Wahyuni",
        "Handayani",
        "Susanti",
        "Purwanti",
        "Fitriani",
        "Suryani",
        "Kurniasih",
        "Maryati",
        "Aminah",
    ),
    passport=lambda rng: _upper(rng, "ABCE") + _digits(rng, 7),
    phone=lambda rng: "+6281" + _digits(rng, 9),
)


def full_name(rng: random.Random, origin: Origin, *, female: bool) -> str:
    """A fictional name in the origin country's usual order."""
    given_names = origin.female_given if female else origin.male_given
    given = given_names[int(rng.random() * len(given_names))]
    family = origin.family[int(rng.random() * len(origin.family))]
    if origin.country == "MM":
        prefix = "Ma" if female else "Mg"
        return f"{prefix} {given} {family}"
    if origin.family_name_first:
        return f"{family} {given}"
    return f"{given} {family}"


def languages(rng: random.Random, origin: Origin) -> list[str]:
    """The languages this worker reads: the origin's own, sometimes others."""
    read = [origin.language]
    for tag, share in origin.other_languages:
        if rng.random() < share:
            read.append(tag)
    return read


def email(rng: random.Random, name: str) -> str:
    """An address at the reserved example.com domain, built from the name."""
    ascii_name = (
        unicodedata.normalize("NFKD", name.replace("Đ", "D").replace("đ", "d"))
        .encode("ascii", "ignore")
        .decode()
    )
    local = ".".join(ascii_name.lower().split())
    return f"{local}{int(rng.random() * 90) + 10}@example.com"


# Grievance categories (the grievance channel's own words) and a short first-person text for
# each, per language. English is the fallback and the text of workers who write in English.
GRIEVANCE_TEXTS: dict[str, dict[str, str]] = {
    "recruitment_fees": {
        "en": "The agent took much more money than the law allows and gave me no receipt.",
        "ne": "एजेन्टले मसँग धेरै पैसा लियो, रसिद दिएन।",
        "bn": "দালাল আমার কাছ থেকে অনেক টাকা নিয়েছে, কোনো রসিদ দেয়নি।",
        "vi": "Công ty môi giới thu của tôi quá nhiều tiền, không có biên lai.",
        "fil": "Sinisingil ako ng ahensya ng malaking halaga at walang resibo.",
        "my": "အေးဂျင့်က ငွေအများကြီး ယူသွားတယ်၊ ပြေစာ မပေးဘူး။",
        "id": "Agen meminta biaya penempatan yang sangat besar, tanpa kuitansi.",
    },
    "document_retention": {
        "en": "My employer keeps my passport and will not give it back.",
        "ne": "कम्पनीले मेरो राहदानी राखेको छ, फिर्ता दिँदैन।",
        "bn": "কোম্পানি আমার পাসপোর্ট রেখে দিয়েছে, ফেরত দিচ্ছে না।",
        "vi": "Công ty giữ hộ chiếu của tôi và không trả lại.",
        "fil": "Hawak ng amo ko ang pasaporte ko at ayaw niyang ibalik.",
        "my": "ကုမ္ပဏီက ကျွန်တော့် နိုင်ငံကူးလက်မှတ်ကို သိမ်းထားပြီး ပြန်မပေးဘူး။",
        "id": "Majikan menahan paspor saya dan tidak mau mengembalikannya.",
    },
    "wages": {
        "en": "I have not been paid my full salary for months.",
        "ne": "धेरै महिनादेखि पूरा तलब पाएको छैन।",
        "bn": "কয়েক মাস ধরে পুরো বেতন পাইনি।",
        "vi": "Mấy tháng nay tôi không được trả đủ lương.",
        "fil": "Ilang buwan na akong hindi binabayaran nang buo.",
        "my": "လစာ အပြည့် မရတာ လအတော်ကြာပြီ။",
        "id": "Sudah berbulan-bulan gaji saya tidak dibayar penuh.",
    },
    "working_hours": {
        "en": "We work fourteen hours every day and have no day off.",
        "ne": "हरेक दिन चौध घण्टा काम गराउँछन्, बिदा छैन।",
        "bn": "প্রতিদিন চৌদ্দ ঘণ্টা কাজ করতে হয়, কোনো ছুটি নেই।",
        "vi": "Ngày nào cũng phải làm mười bốn tiếng, không có ngày nghỉ.",
        "fil": "Wala akong day off at labing-apat na oras akong nagtatrabaho araw-araw.",
        "my": "နေ့တိုင်း ဆယ့်လေးနာရီ အလုပ်လုပ်ရတယ်၊ နားရက် မရှိဘူး။",
        "id": "Saya bekerja empat belas jam setiap hari dan tidak pernah libur.",
    },
    "contract": {
        "en": "The contract I signed here is different from the one I was promised at home.",
        "ne": "यहाँ सही गरेको सम्झौता घरमा वाचा गरिएको भन्दा फरक छ।",
        "bn": "এখানে যে চুক্তিতে সই করেছি তা দেশে প্রতিশ্রুত চুক্তি থেকে আলাদা।",
        "vi": "Hợp đồng tôi ký ở đây khác với hợp đồng đã hứa ở quê.",
        "fil": "Iba ang kontratang pinirmahan ko rito sa ipinangako sa akin sa Pilipinas.",
        "my": "ဒီမှာ လက်မှတ်ထိုးရတဲ့ စာချုပ်က အိမ်မှာ ကတိပေးခဲ့တာနဲ့ မတူဘူး။",
        "id": "Kontrak yang saya tanda tangani di sini berbeda dengan yang dijanjikan.",
    },
}
