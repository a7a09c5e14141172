"""Write the offline demo's sample feeds into briefing/data/demo/ (run once; output committed).

    uv run python bench/make_demo_feeds.py

Nine invented outlets (RSS and Atom; English, Arabic, French), about 480 items over 60 days
ending at ANCHOR: Libya stories and other news that the relevance rules must drop, wire stories
carried by several feeds (same link), and a few hostile items (markup look-alikes, escape
sequences, bidi overrides, scripts, javascript: links, a 10,000-character word). Every
headline and summary is made up from the templates below; no real article text is used.
Same script, same bytes (seeded random).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

ANCHOR = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
"""The newest item's time in the files; `briefing demo` shifts every date so it becomes now."""
DAYS = 60
OUT = Path(__file__).resolve().parents[1] / "briefing" / "data" / "demo"

PLACES = "Tripoli Benghazi Misrata Sirte Sabha Derna Zawiya Tobruk Zintan Gharyan Zuwara Ubari Kufra Ghadames".split()
PORTS = ("Es Sider", "Ras Lanuf", "Brega", "Zueitina", "Hariga")
FIELDS = ("Sharara", "El Feel", "Waha", "Sarir")
FOREIGN = ("Ankara", "Cairo", "Abu Dhabi", "Moscow", "Rome", "Paris", "Washington", "Algiers")
WORLD = (
    "Japan",
    "Brazil",
    "Kenya",
    "Poland",
    "Chile",
    "Indonesia",
    "Canada",
    "Portugal",
    "Vietnam",
)
COAST = ("Zuwara", "Sabratha", "Zawiya", "Tripoli", "Garabulli", "Tobruk", "Misrata")
AR_COAST = ("زوارة", "صبراتة", "الزاوية", "طبرق", "مصراتة")
FR_ACTORS = (
    "le maréchal Khalifa Haftar",
    "le Premier ministre Abdelhamid Dbeibah",
    "Mohamed el-Menfi, président du Conseil présidentiel",
    "le président du Parlement, Aguila Saleh",
    "le Haut Conseil d'État",
)
ACTORS = (
    "Khalifa Haftar",
    "the Libyan National Army",
    "Prime Minister Abdul Hamid Dbeibah",
    "the Government of National Unity",
    "Presidential Council head Mohamed al-Menfi",
    "Speaker Aguila Saleh",
    "the High Council of State",
    "UNSMIL",
    "Saddam Haftar",
    "the Radaa force",
)
EN_LIBYA: tuple[tuple[str, str], ...] = (
    (
        "{a} meets {b} in {p} as talks on a unified government stall",
        "The meeting in {p} was the first in months between the two camps. Aides said the agenda "
        "covered the budget and a timetable for elections, but no joint statement followed.",
    ),
    (
        "Clashes erupt in {p} between rival armed groups; {n} reported dead",
        "Residents of {p} reported heavy gunfire overnight. The health ministry gave a provisional "
        "toll of {n} dead and called for safe passage for ambulances.",
    ),
    (
        "National Oil Corporation says {f} field output back to {n}0,000 barrels a day",
        "The National Oil Corporation said production at the {f} field had recovered after repairs "
        "to a pipeline. Exports through {port} are expected to resume this week.",
    ),
    (
        "Central Bank of Libya announces new exchange-rate measures as the dinar slides",
        "The Central Bank of Libya said it would cut the surcharge on foreign currency purchases. "
        "Traders in Tripoli said the dinar weakened on the parallel market ahead of the decision.",
    ),
    (
        "UNSMIL calls for restraint after overnight fighting in {p}",
        "The UN Support Mission in Libya urged all sides to respect the 2020 ceasefire and to "
        "protect civilians in {p}. It offered to host talks between local commanders.",
    ),
    (
        "Flights suspended at Mitiga airport after rocket fire",
        "Flights at Tripoli's Mitiga airport were diverted to Misrata after rockets landed near "
        "the runway. No casualties were reported, the airport authority said.",
    ),
    (
        "Migrant boat capsizes off {pc}; coast guard recovers {n} bodies",
        "The Libyan coast guard said the boat left {pc} before dawn with about {n}0 people on "
        "board. The IOM said survivors were taken to a detention centre.",
    ),
    (
        "{a} visits {c} to discuss security cooperation",
        "The visit to {c} focused on training programmes and border security, according to a "
        "statement. Critics in Libya said such trips deepen foreign involvement in the conflict.",
    ),
    (
        "House of Representatives approves budget in Benghazi session amid boycott",
        "Members from the west boycotted the session. Speaker Aguila Saleh said the budget of "
        "{n}0 billion dinars would fund salaries and reconstruction in Derna.",
    ),
    (
        "Power cuts of up to {n} hours hit {p} as demand strains the grid",
        "The General Electricity Company said a damaged transmission line near {p} caused the "
        "outages. Residents protested outside the local council building.",
    ),
    (
        "Derna reconstruction fund announces {n} new housing projects",
        "The fund said contractors from Egypt and Turkey would build the homes. Survivors of the "
        "2023 floods say the pace of rebuilding remains slow.",
    ),
    (
        "Election commission says voter registration to reopen in {p}",
        "The High National Elections Commission said registration centres in {p} would reopen "
        "for {n} days. Parties have yet to agree on the electoral laws.",
    ),
    (
        "Oil terminal at {port} reopens after {n}-day blockade",
        "Protesters who had shut {port} over unpaid salaries ended their sit-in after talks with "
        "the National Oil Corporation. Loadings are expected to resume within days.",
    ),
    (
        "Drone strike reported near {p}; no group claims responsibility",
        "Witnesses described two explosions near a checkpoint outside {p}. The Libyan National "
        "Army and the Tripoli government both denied involvement.",
    ),
    (
        "Joint military commission 5+5 meets in Sirte on withdrawal of foreign fighters",
        "The commission, which brings five officers from each side, discussed mercenaries and "
        "foreign forces still deployed in the country, UNSMIL said.",
    ),
    (
        "Libyan dinar falls to a record low on the parallel market",
        "Money changers in Tripoli and Benghazi quoted the dollar at a record rate. Economists "
        "blamed rival spending by the two governments.",
    ),
    (
        "{a} rejects UN roadmap, calls for a Libyan-led process",
        "In a televised speech, {a} said any political settlement must be led by Libyans. The UN "
        "envoy said the roadmap was open to amendment.",
    ),
    (
        "Kidnapped municipal official released in {p} after {n} days",
        "Family members confirmed the release. Local elders in {p} had mediated with the armed "
        "group that held him, according to the municipal council.",
    ),
    (
        "Fuel smuggling network dismantled near Zuwara, Interior Ministry says",
        "The ministry said {n} trucks and a fishing boat were seized. Subsidised fuel smuggled to "
        "Tunisia and Malta costs the state millions each month.",
    ),
    (
        "Water supply from the Great Man-Made River disrupted in {p}",
        "The project's management said armed men forced workers to shut a well field. Several "
        "neighbourhoods of {p} were without running water.",
    ),
    (
        "Municipal elections held in {n} municipalities, commission reports calm vote",
        "Turnout varied widely, the commission said. Observers noted that some councils in the "
        "south and east did not take part.",
    ),
    (
        "Prisoners exchanged between eastern and western forces in {p}",
        "The exchange was mediated by elders and the Red Crescent. Both sides said further "
        "releases were planned under the ceasefire committee's supervision.",
    ),
)
FR_LIBYA: tuple[tuple[str, str], ...] = (
    (
        "Le maréchal Khalifa Haftar reçoit une délégation à Benghazi",
        "La délégation venue de {c} a évoqué la sécurité des frontières et la coopération "
        "militaire, selon un communiqué de l'Armée nationale libyenne.",
    ),
    (
        "Libye : affrontements à {p}, au moins {n} morts selon des sources locales",
        "Des tirs nourris ont été entendus toute la nuit à {p}. Le ministère de la Santé a "
        "appelé à l'ouverture de couloirs pour les ambulances.",
    ),
    (
        "Libye : la Compagnie nationale du pétrole annonce une hausse de la production",
        "La NOC affirme que la production du champ de {f} a repris après des réparations. Les "
        "exportations par le terminal de {port} devraient reprendre.",
    ),
    (
        "Libye : l'ONU appelle à la reprise du dialogue politique",
        "La mission des Nations unies en Libye (MANUL) a proposé une nouvelle feuille de route. "
        "Le Premier ministre Abdelhamid Dbeibah s'est dit prêt à en discuter.",
    ),
    (
        "Naufrage au large de {pc} : {n} migrants portés disparus en Libye",
        "Les garde-côtes libyens ont secouru une vingtaine de personnes. L'embarcation avait "
        "quitté les côtes libyennes pendant la nuit.",
    ),
    (
        "Libye : coupures d'électricité à {p}, la colère monte",
        "Les habitants de {p} dénoncent des coupures de plus de {n} heures par jour. La "
        "compagnie d'électricité évoque une ligne endommagée.",
    ),
    (
        "Le Parlement libyen vote le budget malgré le boycott des députés de l'Ouest",
        "Le président de la Chambre, Aguila Saleh, a salué un vote « historique ». Le Haut "
        "Conseil d'État conteste la légalité de la séance.",
    ),
    (
        "Libye : la Banque centrale dévalue le dinar",
        "La Banque centrale de Libye justifie la mesure par la baisse des réserves. Les prix à "
        "Tripoli ont déjà augmenté, selon des commerçants.",
    ),
    (
        "Derna : la reconstruction avance lentement, deux ans après les inondations",
        "Les sinistrés de Derna attendent toujours leurs logements. Le fonds de reconstruction "
        "promet {n} nouveaux chantiers.",
    ),
    (
        "Libye : élections municipales dans {n} communes, participation contrastée",
        "La Haute commission électorale nationale salue un scrutin calme. Plusieurs communes du "
        "sud n'ont pas pu voter.",
    ),
)
AR_LIBYA: tuple[tuple[str, str], ...] = (
    (
        "حفتر يستقبل وفداً عسكرياً في بنغازي",
        "بحث اللقاء في بنغازي التعاون الأمني وتأمين الحدود الجنوبية، بحسب بيان القيادة العامة.",
    ),
    (
        "اشتباكات مسلحة في {pa} وسقوط {n} قتلى",
        "أفاد سكان في {pa} بسماع إطلاق نار كثيف طوال الليل، ودعت وزارة الصحة إلى فتح ممرات آمنة.",
    ),
    (
        "المؤسسة الوطنية للنفط: الإنتاج يرتفع إلى {n}00 ألف برميل يومياً",
        "قالت المؤسسة الوطنية للنفط إن الإنتاج استؤنف في حقل الشرارة بعد إصلاح خط الأنابيب.",
    ),
    (
        "البعثة الأممية تدعو إلى ضبط النفس في {pa}",
        "دعت بعثة الأمم المتحدة للدعم في ليبيا جميع الأطراف إلى احترام وقف إطلاق النار وحماية المدنيين.",
    ),
    (
        "الدبيبة يعلن حزمة إجراءات اقتصادية جديدة",
        "أعلن رئيس حكومة الوحدة الوطنية عبد الحميد الدبيبة عن دعم للسلع الأساسية وزيادة في المرتبات.",
    ),
    (
        "مجلس النواب يقر الميزانية العامة في جلسة ببنغازي",
        "قاطع نواب من المنطقة الغربية الجلسة، وقال رئيس المجلس عقيلة صالح إن الميزانية ستمول إعادة إعمار درنة.",
    ),
    (
        "انقطاع الكهرباء لساعات طويلة في {pa}",
        "قالت الشركة العامة للكهرباء إن عطلاً في خط نقل رئيسي تسبب في انقطاع التيار عن {pa}.",
    ),
    (
        "غرق قارب مهاجرين قبالة سواحل {pac}",
        "أعلن خفر السواحل الليبي انتشال {n} جثث وإنقاذ عدد من الناجين قبالة سواحل {pac}.",
    ),
    (
        "المصرف المركزي يعلن سعر صرف جديد للدينار الليبي",
        "قال مصرف ليبيا المركزي إن القرار يهدف إلى الحد من الفارق مع السوق الموازية.",
    ),
    (
        "إعادة فتح ميناء السدرة النفطي بعد إغلاق دام {n} أيام",
        "أنهى المحتجون اعتصامهم بعد مفاوضات مع المؤسسة الوطنية للنفط بشأن المرتبات المتأخرة.",
    ),
    (
        "المجلس الرئاسي يدعو إلى مصالحة وطنية شاملة في ليبيا",
        "قال رئيس المجلس الرئاسي محمد المنفي إن المصالحة شرط لإجراء الانتخابات.",
    ),
    (
        "المجلس الأعلى للدولة يرفض قوانين الانتخابات",
        "قال المجلس الأعلى للدولة في طرابلس إن القوانين الصادرة عن مجلس النواب تحتاج إلى توافق.",
    ),
)
AR_LIBYA += (
    (
        "وصول شحنة مساعدات إلى {pa} بعد أيام من الاشتباكات",
        "قال الهلال الأحمر الليبي إن الشحنة تضم أدوية ومواد غذائية لنحو {n} آلاف أسرة في {pa}.",
    ),
    (
        "احتجاجات في {pa} للمطالبة بتحسين الخدمات",
        "خرج مئات المحتجين في {pa} للمطالبة بتوفير الكهرباء والسيولة في المصارف.",
    ),
    (
        "الإفراج عن مسؤول بلدي مختطف في {pa} بعد {n} أيام",
        "أكدت عائلة المسؤول الإفراج عنه بعد وساطة من أعيان {pa}.",
    ),
    (
        "لجنة 5+5 العسكرية تجتمع في سرت لبحث خروج المرتزقة",
        "ناقشت اللجنة العسكرية المشتركة ملف القوات الأجنبية والمرتزقة في ليبيا.",
    ),
    (
        "إطلاق سراح {n} محتجزين في عملية تبادل بين الشرق والغرب",
        "جرت عملية التبادل في {pa} بإشراف أعيان والهلال الأحمر.",
    ),
    (
        "تفكيك شبكة لتهريب الوقود قرب {pa}",
        "قالت وزارة الداخلية إنها ضبطت {n} شاحنات محملة بالوقود المدعوم قرب {pa}.",
    ),
)
FR_LIBYA += (
    (
        "Libye : manifestation à {p} contre la vie chère",
        "Plusieurs centaines de personnes ont défilé à {p} pour dénoncer la hausse des prix "
        "et les pénuries de liquidités dans les banques.",
    ),
    (
        "Libye : un responsable municipal enlevé à {p} libéré après {n} jours",
        "Sa famille a confirmé la libération, obtenue grâce à une médiation des notables de {p}.",
    ),
    (
        "Libye : échange de prisonniers entre l'Est et l'Ouest à {p}",
        "L'échange a été supervisé par le Croissant-Rouge libyen et la commission militaire 5+5.",
    ),
    (
        "Libye : le terminal pétrolier de {port} rouvre après {n} jours de blocage",
        "Les manifestants ont levé leur sit-in après un accord sur les salaires avec la NOC.",
    ),
    (
        "Libye : frappe de drone près de {p}, aucune revendication",
        "Des témoins ont fait état de deux explosions près d'un poste de contrôle à {p}.",
    ),
    (
        "Libye : {af} en visite à {c}",
        "La visite a porté sur la coopération sécuritaire et la formation, selon un communiqué.",
    ),
)
AR_PLACES = ("طرابلس", "بنغازي", "مصراتة", "سرت", "سبها", "درنة", "الزاوية", "طبرق", "زوارة")
EN_OTHER: tuple[tuple[str, str], ...] = (
    (
        "{w} stocks rise {n}% after strong earnings",
        "Investors in {w} welcomed results from banks and retailers.",
    ),
    (
        "Floods in {w} leave {n} villages cut off",
        "Rescue teams in {w} used boats to reach stranded families.",
    ),
    (
        "{w} election: turnout reaches {n}0% in first round",
        "Officials in {w} said counting would end tomorrow.",
    ),
    (
        "Rail strike halts trains across {w} for {n} days",
        "Unions in {w} are demanding higher wages.",
    ),
    (
        "{w} central bank cuts rates by {n}0 basis points",
        "The bank in {w} cited slowing inflation.",
    ),
    ("Heatwave in {w}: {n} cities on red alert", "Hospitals in {w} reported a rise in admissions."),
    (
        "{w} opens its largest solar park, {n}00 megawatts",
        "The plant will supply power to homes across {w}.",
    ),
    ("Football: {w} beat rivals {n}-1 in qualifier", "A late penalty sealed the win for {w}."),
    (
        "Earthquake of magnitude {n} shakes {w}",
        "No casualties were reported in {w}, officials said.",
    ),
    (
        "{w} announces {n} new visa rules for students",
        "Universities in {w} warned of falling enrolment.",
    ),
    (
        "Tripoli, Lebanon: port traffic rises after road repairs",
        "Shipping agents in the northern Lebanese city said container traffic rose by a fifth.",
    ),
    (
        "Asian markets close higher on a technology rally",
        "Shares in Tokyo and Seoul gained as chipmakers reported strong orders.",
    ),
    (
        "Storm brings flooding to southern Spain",
        "Emergency services in Andalusia rescued dozens of drivers from flooded roads.",
    ),
    (
        "Late goal sends holders into the cup quarter-finals",
        "A header in stoppage time settled a tense match in front of a full stadium.",
    ),
    (
        "Bank of Japan holds interest rates steady",
        "The central bank said it would watch wage data before any further move.",
    ),
    (
        "Wildfires force evacuations in western Canada",
        "Thousands of residents left their homes as fires spread in dry forests.",
    ),
    (
        "Aid convoys reach Darfur after weeks of delays",
        "UN agencies said the trucks carried food and medicine for displaced families in Sudan.",
    ),
    (
        "Tunisia's president dissolves municipal councils",
        "The decree gives the interior ministry control of local budgets until new elections.",
    ),
    (
        "New electric car factory opens in Hungary",
        "The plant is expected to employ several thousand workers by next year.",
    ),
    (
        "Greek government announces new migrant reception centre on Crete",
        "Officials said arrivals on the island's southern coast had risen sharply this year.",
    ),
    (
        "Global oil prices edge up on supply worries",
        "Brent crude rose as traders weighed output cuts by major producers.",
    ),
    (
        "Mediterranean heatwave breaks temperature records in Italy",
        "Several Italian cities issued red alerts as temperatures passed 40 degrees.",
    ),
)
FR_OTHER: tuple[tuple[str, str], ...] = (
    ("Grève dans les transports : {n} lignes perturbées à Paris", "Le trafic reprendra demain."),
    ("Algérie : le prix du carburant augmente de {n} %", "La hausse entre en vigueur lundi."),
    ("Rugby : large victoire du XV de France", "Les Bleus ont inscrit {n} essais."),
    ("Canicule : {n} départements en vigilance orange", "Les températures dépassent 38 degrés."),
    (
        "Tempête sur la côte atlantique : alerte orange",
        "Des rafales de plus de 120 km/h sont attendues.",
    ),
    (
        "Le Sénat adopte le budget de la Sécurité sociale",
        "Le texte retourne à l'Assemblée nationale.",
    ),
    (
        "Tunisie : hausse du prix du pain",
        "Les boulangers dénoncent la pénurie de farine subventionnée.",
    ),
    (
        "Football : victoire à l'extérieur pour le leader du championnat",
        "Un doublé en seconde période a fait la différence.",
    ),
    (
        "Maroc : ouverture d'une nouvelle ligne à grande vitesse",
        "Le trajet entre deux grandes villes passe sous les deux heures.",
    ),
)
AR_OTHER: tuple[tuple[str, str], ...] = (
    (
        "ارتفاع صادرات الفوسفات المغربية بنسبة {n}%",
        "قالت الشركة إن الطلب ارتفع في الأسواق الآسيوية.",
    ),
    ("انطلاق مهرجان السينما في القاهرة بمشاركة {n} أفلام", "يستمر المهرجان أسبوعاً كاملاً."),
    ("الأردن: افتتاح طريق سريع جديد", "يختصر الطريق الجديد زمن الرحلة بنحو {n} ساعات."),
    (
        "تراجع أسعار النفط العالمية بعد بيانات المخزون",
        "انخفض خام برنت مع زيادة المخزونات الأمريكية.",
    ),
    (
        "ارتفاع أسعار الذهب في الأسواق العالمية",
        "صعدت أسعار الذهب مع تراجع الدولار وتزايد الطلب على الملاذات الآمنة.",
    ),
    ("افتتاح معرض الكتاب في عمّان بمشاركة واسعة", "يشارك في المعرض مئات الناشرين من الدول العربية."),
    ("موجة حر تضرب عدة دول في الخليج", "حذرت هيئات الأرصاد من درجات حرارة تتجاوز خمسين درجة."),
    ("تونس: ارتفاع أسعار الخبز", "اشتكى الخبازون من نقص الدقيق المدعوم."),
)
HOSTILE: tuple[tuple[str, str], ...] = (
    (
        "[bold red]Haftar[/] forces enter Sirte [/]",
        "Markup look-alikes in a title must show as text: [/] [bold] [link=x].",
    ),
    (
        "[@click=app.quit]x[/] Tripoli clashes: click to see more",
        "A title that would be a clickable action if it were parsed as markup.",
    ),
    (
        "Curfew in Tripoli &#x1B;[2J&#x1B;[31mtonight&#x1B;[0m after clashes",
        "Escape sequences &#x1B;]0;owned&#x07; must never reach the terminal &#x1B;[5m.",
    ),
    (
        "Benghazi \u202egnitov\u202c council results disputed",
        "A right-to-left override \u202ehidden\u202c inside Libyan election news.",
    ),
    (
        "Misrata brigade statement <script>alert('x')</script>",
        "<p>Statement from Misrata.</p><script>document.location='https://evil.example/'</script>"
        "<p>Second paragraph.</p>",
    ),
    (
        "Zawiya refinery fire: link points to a script",
        "The link of this Libya item is a javascript: URL and must be dropped.",
    ),
    (
        "Sabha water protest, with a very long word",
        "Long: " + "ب" * 4000 + "x" * 6000 + " end of the Sabha item.",
    ),
)


@dataclass(frozen=True)
class DemoFeed:
    slug: str
    name: str
    language: str
    fmt: str
    relevance: str
    host: str
    items: int
    libya_share: float
    tags: tuple[str, ...]


FEEDS = (
    DemoFeed(
        "tripoli-dispatch",
        "Tripoli Dispatch",
        "en",
        "rss",
        "all",
        "tripolidispatch.example",
        80,
        1.0,
        ("libya-media",),
    ),
    DemoFeed(
        "cyrenaica-herald",
        "Cyrenaica Herald",
        "en",
        "atom",
        "all",
        "cyrenaicaherald.example",
        65,
        1.0,
        ("libya-media",),
    ),
    DemoFeed(
        "akhbar-libya",
        "Akhbar Libya",
        "ar",
        "rss",
        "all",
        "akhbar-libya.example",
        65,
        1.0,
        ("libya-media", "arabic"),
    ),
    DemoFeed(
        "maghreb-hebdo",
        "Maghreb Hebdo",
        "fr",
        "atom",
        "default",
        "maghreb-hebdo.example",
        52,
        0.6,
        ("regional", "french"),
    ),
    DemoFeed(
        "world-desk",
        "World Desk",
        "en",
        "rss",
        "strict",
        "worlddesk.example",
        60,
        0.3,
        ("international",),
    ),
    DemoFeed(
        "energy-brief",
        "Energy Markets Brief",
        "en",
        "atom",
        "default",
        "energybrief.example",
        45,
        0.5,
        ("energy",),
    ),
    DemoFeed(
        "med-monitor",
        "Mediterranean Monitor",
        "en",
        "rss",
        "default",
        "medmonitor.example",
        45,
        0.55,
        ("migration",),
    ),
    DemoFeed(
        "sahel-arabi",
        "Al-Sahel al-Arabi",
        "ar",
        "atom",
        "default",
        "sahel-arabi.example",
        45,
        0.6,
        ("regional", "arabic"),
    ),
    DemoFeed(
        "un-briefings",
        "UN Briefings Digest",
        "en",
        "rss",
        "default",
        "unbriefings.example",
        44,
        0.5,
        ("international",),
    ),
)
WIRE_HOST = "libyawire.example"


@dataclass
class Item:
    title: str
    summary: str
    link: str
    guid: str
    when: datetime
    author: str | None = None


def fill(template: str, rng: random.Random) -> str:
    first, second = rng.sample(ACTORS, 2)
    return template.format(
        a=first,
        b=second,
        p=rng.choice(PLACES),
        n=rng.randint(2, 9),
        f=rng.choice(FIELDS),
        port=rng.choice(PORTS),
        c=rng.choice(FOREIGN),
        pa=rng.choice(AR_PLACES),
        pc=rng.choice(COAST),
        pac=rng.choice(AR_COAST),
        af=rng.choice(FR_ACTORS),
        w=rng.choice(WORLD),
    )


USED: set[str] = set()


def pick(language: str, libya: bool, rng: random.Random) -> tuple[str, str]:
    """A headline and summary, avoiding a headline already used (real feeds rarely repeat)."""
    for _ in range(40):
        title, summary = pick_once(language, libya, rng)
        if title not in USED:
            break
    USED.add(title)
    return title, summary


def pick_once(language: str, libya: bool, rng: random.Random) -> tuple[str, str]:
    pools = {
        ("en", True): EN_LIBYA,
        ("fr", True): FR_LIBYA,
        ("ar", True): AR_LIBYA,
        ("en", False): EN_OTHER,
        ("fr", False): FR_OTHER,
        ("ar", False): AR_OTHER,
    }
    title, summary = rng.choice(pools[(language, libya)])
    local = random.Random(rng.random())  # the same place in title and summary
    state = local.getstate()
    title = fill(title, local)
    local.setstate(state)
    return title, fill(summary, local)


def when(rng: random.Random) -> datetime:
    # Denser in the last days, like a real reading list.
    age = DAYS * rng.random() ** 1.6
    return (ANCHOR - timedelta(days=age)).replace(second=0, microsecond=0)


def slugify(text: str, n: int) -> str:
    ascii_words = "".join(ch if ch.isalnum() and ch.isascii() else "-" for ch in text.lower())
    slug = "-".join(part for part in ascii_words.split("-") if part)[:60]
    return slug or f"item-{n}"


def build() -> dict[str, list[Item]]:
    rng = random.Random(20260115)
    items: dict[str, list[Item]] = {feed.slug: [] for feed in FEEDS}
    for feed in FEEDS:
        for n in range(feed.items):
            libya = rng.random() < feed.libya_share
            title, summary = pick(feed.language, libya, rng)
            stamp = ANCHOR if (feed.slug == "tripoli-dispatch" and n == 0) else when(rng)
            path = f"{stamp:%Y/%m}/{slugify(title, n)}-{n}"
            link = f"https://{feed.host}/{path}"
            if rng.random() < 0.2:
                link += "?utm_source=rss&utm_medium=feed"
            items[feed.slug].append(
                Item(
                    title,
                    summary,
                    link,
                    f"{feed.slug}-{n:04d}",
                    stamp,
                    rng.choice((None, "Staff reporter", "Desk editor", "Special correspondent")),
                )
            )
    # Wire stories: the same story (same link, same title) in two or three feeds.
    english = [f for f in FEEDS if f.language == "en"]
    for n in range(24):
        title, summary = pick("en", True, rng)
        stamp = when(rng)
        link = f"https://{WIRE_HOST}/{stamp:%Y/%m/%d}/{slugify(title, n)}"
        for feed in rng.sample(english, rng.choice((2, 2, 3))):
            tracking = "?utm_source=" + feed.slug if rng.random() < 0.5 else ""
            items[feed.slug].append(
                Item(
                    title,
                    summary,
                    link + tracking,
                    f"{feed.slug}-wire-{n:03d}",
                    stamp + timedelta(minutes=rng.randint(0, 90)),
                    "Libya Wire",
                )
            )
    for n, (title, summary) in enumerate(HOSTILE):
        slug = ("tripoli-dispatch", "world-desk")[n % 2]
        link = (
            "javascript:alert(document.cookie)"
            if "script" in title.lower() and "link" in title
            else (f"https://tripolidispatch.example/hostile/{n}")
        )
        items[slug].append(Item(title, summary, link, f"hostile-{n}", when(rng)))
    for feed_items in items.values():
        feed_items.sort(key=lambda item: item.when, reverse=True)
    return items


def rss(feed: DemoFeed, items: list[Item]) -> str:
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "<channel>",
        f"  <title>{escape(feed.name)}</title>",
        f"  <link>https://{feed.host}/</link>",
        "  <description>Invented sample feed for the briefing demo.</description>",
        f"  <language>{feed.language}</language>",
    ]
    for item in items:
        out += [
            "  <item>",
            f"    <title>{escape(item.title)}</title>",
            f"    <link>{escape(item.link)}</link>",
            f'    <guid isPermaLink="false">{item.guid}</guid>',
            f"    <pubDate>{format_datetime(item.when, usegmt=True)}</pubDate>",
        ]
        if item.author:
            out.append(f"    <dc:creator>{escape(item.author)}</dc:creator>")
        out.append(f"    <description>{escape(f'<p>{item.summary}</p>')}</description>")
        out.append("  </item>")
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def atom(feed: DemoFeed, items: list[Item]) -> str:
    newest = max(item.when for item in items)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{feed.language}">',
        f"  <title>{escape(feed.name)}</title>",
        f'  <link href="https://{feed.host}/"/>',
        f"  <id>urn:demo:{feed.slug}</id>",
        f"  <updated>{newest:%Y-%m-%dT%H:%M:%SZ}</updated>",
    ]
    for item in items:
        out += [
            "  <entry>",
            f"    <title>{escape(item.title)}</title>",
            f'    <link rel="alternate" href="{escape(item.link)}"/>',
            f"    <id>urn:demo:{item.guid}</id>",
            f"    <published>{item.when:%Y-%m-%dT%H:%M:%SZ}</published>",
            f"    <updated>{item.when:%Y-%m-%dT%H:%M:%SZ}</updated>",
        ]
        if item.author:
            out.append(f"    <author><name>{escape(item.author)}</name></author>")
        out.append(f'    <summary type="html">{escape(f"<p>{item.summary}</p>")}</summary>')
        out.append("  </entry>")
    out += ["</feed>", ""]
    return "\n".join(out)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    items = build()
    manifest = []
    for feed in FEEDS:
        filename = f"{feed.slug}.{'xml' if feed.fmt == 'rss' else 'atom'}"
        text = (rss if feed.fmt == "rss" else atom)(feed, items[feed.slug])
        (OUT / filename).write_text(text, encoding="utf-8")
        manifest.append(
            {
                "name": feed.name,
                "file": filename,
                "language": feed.language,
                "relevance": feed.relevance,
                "tags": list(feed.tags),
                "format": feed.fmt,
            }
        )
    (OUT / "manifest.json").write_text(
        json.dumps({"anchor": ANCHOR.isoformat(), "feeds": manifest}, ensure_ascii=False, indent=2)
        + "\n",
        encoding="utf-8",
    )
    total = sum(len(v) for v in items.values())
    print(f"wrote {len(FEEDS)} feeds, {total} items, to {OUT}")


if __name__ == "__main__":
    main()
