"""The language lists :mod:`ld.mapping_languages` reads names and codes by: the ISO
639-2 codes (pycountry lacks the list), the MARC Code List's names no rule derives
from ISO's, and ISO 639-2's other names of a language ("Castilian"). Data only, apart
so the rules read on one screen.
"""

from __future__ import annotations

# The ISO 639-2 codes (ISO 639-2 Registration Authority, Library of Congress), in
# their bibliographic form where there are two, as id.loc.gov/vocabulary/iso639-2 names them.
_ISO639_2 = """
    aar abk ace ach ada ady afa afh afr ain aka akk alb ale alg alt amh ang anp apa ara arc
    arg arm arn arp art arw asm ast ath aus ava ave awa aym aze bad bai bak bal bam ban baq
    bas bat bej bel bem ben ber bho bih bik bin bis bla bnt bos bra bre btk bua bug bul bur
    byn cad cai car cat cau ceb cel cha chb che chg chi chk chm chn cho chp chr chu chv chy
    cmc cnr cop cor cos cpe cpf cpp cre crh crp csb cus cze dak dan dar day del den dgr din
    div doi dra dsb dua dum dut dyu dzo efi egy eka elx eng enm epo est ewe ewo fan fao fat
    fij fil fin fiu fon fre frm fro frr frs fry ful fur gaa gay gba gem geo ger gez gil gla
    gle glg glv gmh goh gon gor got grb grc gre grn gsw guj gwi hai hat hau haw heb her hil
    him hin hit hmn hmo hrv hsb hun hup iba ibo ice ido iii ijo iku ile ilo ina inc ind ine
    inh ipk ira iro ita jav jbo jpn jpr jrb kaa kab kac kal kam kan kar kas kau kaw kaz kbd
    kha khi khm kho kik kin kir kmb kok kom kon kor kos kpe krc krl kro kru kua kum kur kut
    lad lah lam lao lat lav lez lim lin lit lol loz ltz lua lub lug lui lun luo lus mac mad
    mag mah mai mak mal man mao map mar mas may mdf mdr men mga mic min mis mkh mlg mlt mnc
    mni mno moh mon mos mul mun mus mwl mwr myn myv nah nai nap nau nav nbl nde ndo nds nep
    new nia nic niu nno nob nog non nor nqo nso nub nwc nya nym nyn nyo nzi oci oji ori orm
    osa oss ota oto paa pag pal pam pan pap pau peo per phi phn pli pol pon por pra pro pus
    que raj rap rar roa roh rom rum run rup rus sad sag sah sai sal sam san sas sat scn sco
    sel sem sga sgn shn sid sin sio sit sla slo slv sma sme smi smj smn smo sms sna snd snk
    sog som son sot spa srd srn srp srr ssa ssw suk sun sus sux swa swe syc syr tah tai tam
    tat tel tem ter tet tgk tgl tha tib tig tir tiv tkl tlh tli tmh tog ton tpi tsi tsn tso
    tuk tum tup tur tut tvl twi tyv udm uga uig ukr umb und urd uzb vai ven vie vol vot wak
    wal war was wel wen wln wol xal xho yao yap yid yor ypk zap zbl zen zgh zha znd zul zun
    zxx zza"""
ISO639_2_CODES = frozenset(_ISO639_2.split())

# The MARC Code List for Languages' name of a code where no rule derives it from the ISO
# names pycountry has ("Abkhaz", ISO "Abkhazian"; "Syriac" is MARC's syc, ISO's syr).
# Compared whole (qualifiers kept: "Provençal (to 1500)" is Old Provençal only).
MARC_NAMES: dict[str, str] = {
    "abk": "Abkhaz", "ady": "Adygei", "alt": "Altai", "arc": "Aramaic", "arn": "Mapuche",
    "ast": "Bable", "bin": "Edo", "bug": "Bugis", "car": "Carib", "day": "Dayak",
    "den": "Slavey", "dgr": "Dogrib", "frr": "North Frisian", "frs": "East Frisian",
    "fry": "Frisian", "ful": "Fula", "gez": "Ethiopic", "hat": "Haitian French Creole",
    "him": "Western Pahari languages", "kal": "Kalâtdlisut", "kir": "Kyrgyz",
    "kut": "Kootenai", "lam": "Lamba (Zambia and Congo)", "lez": "Lezgian",
    "lim": "Limburgish", "lol": "Mongo-Nkundu", "mas": "Maasai", "mic": "Micmac",
    "mos": "Mooré", "nap": "Neapolitan Italian", "nbl": "Ndebele (South Africa)",
    "nde": "Ndebele (Zimbabwe)", "new": "Newari", "nso": "Northern Sotho",
    "nwc": "Newari, Old", "nya": "Nyanja", "oss": "Ossetic", "pro": "Provençal (to 1500)",
    "roh": "Raeto-Romance", "rom": "Romani", "rum": "Moldavian", "rup": "Aromanian",
    "sag": "Sango (Ubangi Creole)", "scn": "Sicilian Italian", "sin": "Sinhalese",
    "sot": "Sotho", "srn": "Sranan", "ssw": "Swazi", "syc": "Syriac", "syr": "Syriac, Modern",
    "tem": "Temne", "ter": "Terena", "tkl": "Tokelauan", "ton": "Tongan", "tvl": "Tuvaluan",
    "wal": "Wolayta", "was": "Washoe", "xal": "Oirat", "yao": "Yao (Africa)",
    "zbl": "Blissymbolics", "zgh": "Tamazight",
}

# ISO 639-2's own names of a language beside the first ("Spanish; Castilian", "Dutch;
# Flemish"), where no rule derives them from pycountry's: a value listing a language's
# names ("Panjabi; Punjabi") then reads as the one language it is, not as two or a fault.
ISO_ALTERNATIVES: dict[str, str] = {
    "ast": "Leonese; Asturleonese", "bej": "Bedawiyet", "byn": "Blin", "cat": "Valencian",
    "chu": "Old Slavonic; Church Slavonic; Old Bulgarian; Old Church Slavonic",
    "div": "Dhivehi; Maldivian", "dut": "Flemish", "gla": "Gaelic", "gsw": "Alemannic; Alsatian",
    "hat": "Haitian Creole", "iii": "Nuosu", "ile": "Occidental", "kal": "Greenlandic",
    "kik": "Gikuyu", "kua": "Kwanyama", "lim": "Limburger", "ltz": "Letzeburgesch",
    "nav": "Navaho", "nds": "Low Saxon", "nso": "Sepedi",
    "nwc": "Classical Nepal Bhasa", "nya": "Chewa", "pan": "Punjabi",
    "pus": "Pashto", "rum": "Moldovan", "rup": "Arumanian", "spa": "Castilian",
    "tlh": "tlhIngan-Hol", "uig": "Uyghur", "zbl": "Bliss", "zha": "Chuang",
    "zza": "Dimili; Dimli; Kirdki; Kirmanjki; Zazaki",
    "arc": "Imperial Aramaic (700-300 BCE)", "fil": "Pilipino", "hmn": "Mong",
    "khm": "Central Khmer",
}
