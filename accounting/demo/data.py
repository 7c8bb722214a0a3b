"""The static part of the demo: three offices, their accounts and VAT rates, and their customers.

Every corporate ID and VAT number here passes its national checksum (python-stdnum checks them in the
test suite); the companies themselves are invented. E-mail addresses use the reserved .example domain
so a demo export can never mail a real company.
"""
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class DemoAccount:
    number: str
    description: str


@dataclass(frozen=True)
class DemoVatRate:
    code: str
    name: str
    percentage: Decimal
    sales_account: str
    sales_tax_account: str | None = None
    is_eu_vat: bool = False
    description: str = ""


@dataclass(frozen=True)
class DemoOffice:
    code: str
    name: str
    corporate_id: str
    vat_number: str
    street: str
    postal_code: str
    city: str
    country: str
    email: str
    iban: str
    bic: str
    currency: str
    ocr_number_type: str
    payment_condition_days: int
    first_invoice_number: int
    first_order_number: int
    domestic_vat: str  # code of the VAT rate of domestic customers
    eu_vat: str | None  # code of the 0 % EU VAT rate, if the office sells abroad
    price_factor: Decimal  # prices are drawn in EUR and scaled to the office currency
    economic_unit_name_1: str = ""


@dataclass(frozen=True)
class DemoCustomer:
    code: str
    name: str
    country: str
    corporate_id: str
    vat_number: str
    street: str
    postal_code: str
    city: str
    email: str
    language: str
    eu_vat: bool = False  # invoiced at the office's 0 % EU VAT rate
    payment_condition_days: int | None = None  # None = the office default
    export_group: str = ""  # name of the InvoiceExportSetting; "" = the office's group


CURRENCIES = [("EUR", "Euro"), ("DKK", "Danish krone")]
# Units of euro for one Danish krone, valid from the date (the euro offices' view of DKK).
EXCHANGE_RATES = [("DKK", "2026-10-01", Decimal("0.134050")), ("DKK", "2026-11-01", Decimal("0.134020"))]
PAYMENT_CONDITIONS = [("10 days", 10), ("14 days", 14), ("30 days", 30)]

ACCOUNTS = [
    DemoAccount("1210", "Accounts receivable"),
    DemoAccount("2410", "Output VAT"),
    DemoAccount("3100", "Sales of goods in Estonia (VAT 24 %)"),
    DemoAccount("3520", "Sales of services in the EU (VAT 0 %)"),
    DemoAccount("2939", "Arvonlisäverovelka (output VAT, Finland)"),
    DemoAccount("3000", "Myynti 25,5 % (sales, Finland)"),
    DemoAccount("3380", "Yhteisömyynti 0 % (EU sales, Finland)"),
    DemoAccount("1010", "Salg af ydelser m/moms (sales, Denmark)"),
    DemoAccount("14261", "Salgsmoms (output VAT, Denmark)"),
]
RECEIVABLE_ACCOUNT = "1210"
CHART_NAME = "E-Financials"

VAT_RATES = [
    DemoVatRate("EE24", "Estonia 24 %", Decimal("24.00"), "3100", "2410",
                description="Estonian standard rate from 1 July 2025. E-Financials line code 3100-24."),
    DemoVatRate("EE0EU", "EU sales 0 % (Estonia)", Decimal("0.00"), "3520", is_eu_vat=True,
                description="Intra-EU sales of services, reverse charge. E-Financials line code 3520-0."),
    DemoVatRate("FI25.5", "Finland 25.5 %", Decimal("25.50"), "3000", "2939",
                description="Finnish standard rate from 1 September 2024."),
    DemoVatRate("FI0EU", "EU sales 0 % (Finland)", Decimal("0.00"), "3380", is_eu_vat=True,
                description="Intra-EU sales, reverse charge."),
    DemoVatRate("DK25", "Denmark 25 % (moms)", Decimal("25.00"), "1010", "14261"),
]

TLN = DemoOffice(
    code="TLN", name="Tallinna Veod OÜ", corporate_id="15064046", vat_number="EE105848701",
    street="Peterburi tee 47", postal_code="11415", city="Tallinn", country="EE",
    email="arved@tallinnaveod.example", iban="EE382200221020145685", bic="HABAEE2X", currency="EUR",
    ocr_number_type="finnish", payment_condition_days=14, first_invoice_number=700001,
    first_order_number=26110001, domestic_vat="EE24", eu_vat="EE0EU", price_factor=Decimal(1),
    economic_unit_name_1="Project")
HEL = DemoOffice(
    code="HEL", name="Helsingin Rahtipalvelu Oy", corporate_id="1033062-8", vat_number="FI10330628",
    street="Sörnäisten rantatie 25", postal_code="00500", city="Helsinki", country="FI",
    email="laskutus@helsinginrahti.example", iban="FI2112345600000785", bic="NDEAFIHH", currency="EUR",
    ocr_number_type="finnish", payment_condition_days=14, first_invoice_number=800001,
    first_order_number=36110001, domestic_vat="FI25.5", eu_vat="FI0EU", price_factor=Decimal(1))
CPH = DemoOffice(
    code="CPH", name="Københavns Fragtcentral ApS", corporate_id="45675858", vat_number="DK45675858",
    street="Søndre Fasanvej 12", postal_code="2000", city="Frederiksberg", country="DK",
    email="faktura@kbhfragt.example", iban="DK5000400440116243", bic="DABADKKK", currency="DKK",
    ocr_number_type="rf", payment_condition_days=14, first_invoice_number=900001,
    first_order_number=46110001, domestic_vat="DK25", eu_vat=None, price_factor=Decimal("7.46"))
OFFICES = [TLN, HEL, CPH]

# Economic units level 1 ("Project" in E-Financials) of the Estonian office.
ECONOMIC_UNITS = {"TLN": [("P100", "Distribution"), ("P200", "Long haul")]}

CUSTOMERS = {
    "TLN": [
        DemoCustomer("TLN-PPUIT", "Põhja Puit OÜ", "EE", "12905545", "EE107576178",
                     "Kopli 103", "11712", "Tallinn", "arved@pohjapuit.example", "et"),
        DemoCustomer("TLN-LEKH", "Lõuna-Eesti Külmhoone AS", "EE", "11240316", "EE108466863",
                     "Ringtee 75", "50105", "Tartu", "raamatupidamine@lekulmhoone.example", "et",
                     payment_condition_days=30),
        DemoCustomer("TLN-JPIIM", "Järvamaa Piimatööstus OÜ", "EE", "13564193", "EE105690797",
                     "Tallinna 45", "72720", "Paide", "arved@jarvapiim.example", "et"),
        DemoCustomer("TLN-SSOKO", "Saaremaa Šokolaaditehas OÜ", "EE", "18990138", "EE105478854",
                     "Tallinna mnt 88", "93815", "Kuressaare", "arved@saaremaasokolaad.example", "et"),
        DemoCustomer("TLN-PMOOB", "Pärnu Mööblivabrik AS", "EE", "16532130", "EE101758251",
                     "Tööstuse 12", "80010", "Pärnu", "finance@parnumoobel.example", "en",
                     payment_condition_days=30),
        DemoCustomer("TLN-VOLLE", "Võru Õlletehas OÜ", "EE", "13514947", "EE103795306",
                     "Jüri 34", "65610", "Võru", "arved@voruolu.example", "et", payment_condition_days=10),
        DemoCustomer("TLN-VOUNA", "Viljandi Õunaaed OÜ", "EE", "14921944", "EE104584244",
                     "Riia mnt 150", "71011", "Viljandi", "arved@viljandiounaaed.example", "et"),
        DemoCustomer("TLN-KKUTT", "Kõrvemaa Küttepuu OÜ", "EE", "17852405", "EE109913331",
                     "Piibe mnt 9", "74501", "Aegviidu", "arved@korvemaakute.example", "et"),
        DemoCustomer("TLN-NTPL", "Narva Tööstuspargi Ladu AS", "EE", "15087834", "EE107035185",
                     "Kulgu 4", "21008", "Narva", "accounts@narvatoostuspark.example", "en"),
        DemoCustomer("TLN-TKOOK", "Türi Köögitehnika OÜ", "EE", "16282167", "EE107302300",
                     "Viljandi 18", "72213", "Türi", "arved@turikook.example", "et"),
        DemoCustomer("TLN-JTERA", "Jõgeva Teraviljakeskus AS", "EE", "13101671", "EE109736796",
                     "Aia 40", "48306", "Jõgeva", "arved@jogevavili.example", "et",
                     payment_condition_days=30),
        DemoCustomer("TLN-HZALU", "Haapsalu Žalusiid OÜ", "EE", "19243975", "EE106476389",
                     "Lihula mnt 3", "90507", "Haapsalu", "arved@haapsaluzalusiid.example", "et"),
        DemoCustomer("TLN-OKYLM", "Oulun Kylmäkuljetus Oy", "FI", "1340561-3", "FI13405613",
                     "Teollisuustie 14", "90620", "Oulu", "laskut@oulunkylma.example", "fi", eu_vat=True),
        DemoCustomer("TLN-RZIVJ", "Rīgas Zivju Pārstrāde SIA", "LV", "40000506417", "LV40000506417",
                     "Krasta iela 52", "LV-1003", "Rīga", "rekini@rigaszivis.example", "en", eu_vat=True),
        DemoCustomer("TLN-LKOKA", "Liepājas Kokapstrāde SIA", "LV", "40001304924", "LV40001304924",
                     "Brīvības iela 91", "LV-3401", "Liepāja", "rekini@liepajaskoks.example", "en",
                     eu_vat=True, payment_condition_days=30),
        DemoCustomer("TLN-GAKER", "Göteborgs Åkeri och Kyl AB", "SE", "5591673966", "SE559167396601",
                     "Hamnvägen 8", "417 64", "Göteborg", "faktura@goteborgsakeri.example", "en",
                     eu_vat=True),
        DemoCustomer("TLN-AFROE", "Aarhus Frøimport ApS", "DK", "24306011", "DK24306011",
                     "Havnegade 21", "8000", "Aarhus C", "faktura@aarhusfro.example", "en", eu_vat=True),
        DemoCustomer("TLN-GPRYB", "Gdańskie Przetwórstwo Ryb Sp. z o.o.", "PL", "5887557343", "PL5887557343",
                     "ul. Rybaki 7", "80-863", "Gdańsk", "faktury@gdanskieryby.example", "en", eu_vat=True),
    ],
    "HEL": [
        DemoCustomer("HEL-KHOYL", "Kuopion Höyläämö Oy", "FI", "1769598-8", "FI17695988",
                     "Sahakatu 6", "70620", "Kuopio", "laskut@kuopionhoylaamo.example", "fi"),
        DemoCustomer("HEL-JSAIL", "Jyväskylän Säiliökuljetus Oy", "FI", "2490486-4", "FI24904864",
                     "Vasarakatu 21", "40320", "Jyväskylä", "laskut@jklsailio.example", "fi",
                     payment_condition_days=30),
        DemoCustomer("HEL-AFISK", "Åbo Fisk & Skaldjur Ab", "FI", "2132506-6", "FI21325066",
                     "Linnankatu 40", "20100", "Turku", "faktura@abofisk.example", "sv"),
        DemoCustomer("HEL-MUUGA", "Muuga Sadamaterminal OÜ", "EE", "12032531", "EE106903865",
                     "Sadama 2", "74115", "Maardu", "arved@muugaterminal.example", "en", eu_vat=True),
        DemoCustomer("HEL-TSAHK", "Tampereen Sähkötukku Oy", "FI", "2782342-9", "FI27823429",
                     "Hatanpään valtatie 30", "33100", "Tampere", "ostolaskut@tampereensahko.example", "fi",
                     export_group="Finland (Procountor)"),
        DemoCustomer("HEL-VMOKK", "Vaasan Mökkitarvike Oy", "FI", "2143343-8", "FI21433438",
                     "Vöyrinkatu 12", "65100", "Vaasa", "laskut@vaasanmokki.example", "fi",
                     payment_condition_days=10, export_group="Finland (Procountor)"),
        DemoCustomer("HEL-LOLJY", "Lahden Öljytuote Oy", "FI", "1702220-6", "FI17022206",
                     "Ahjokatu 3", "15800", "Lahti", "laskut@lahdenoljy.example", "fi",
                     export_group="Finland (Heeros)"),
        DemoCustomer("HEL-UTRAV", "Umeå Trävaror AB", "SE", "5599468906", "SE559946890601",
                     "Storgatan 60", "903 26", "Umeå", "faktura@umeatravaror.example", "sv", eu_vat=True,
                     export_group="Finland (Heeros)"),
    ],
    # e-conomic matches payment terms on days, and its standard terms are net 0/8/14/30: no 10 days here.
    "CPH": [
        DemoCustomer("CPH-AEROF", "Ærø Fiskeeksport ApS", "DK", "41912987", "DK41912987",
                     "Havnen 4", "5970", "Ærøskøbing", "faktura@aerofisk.example", "da"),
        DemoCustomer("CPH-OKAFF", "Østerbro Kaffebrænderi ApS", "DK", "44049775", "DK44049775",
                     "Østerbrogade 112", "2100", "København Ø", "bogholderi@osterbrokaffe.example", "da"),
        DemoCustomer("CPH-SMOEB", "Søndergaard Møbler A/S", "DK", "32587151", "DK32587151",
                     "Industrivej 18", "7400", "Herning", "faktura@sondergaardmobler.example", "da",
                     payment_condition_days=30),
        DemoCustomer("CPH-FBRYG", "Frederiksberg Bryghus ApS", "DK", "41841931", "DK41841931",
                     "Gammel Kongevej 150", "1850", "Frederiksberg C", "faktura@fbbryghus.example", "da"),
        DemoCustomer("CPH-VGRON", "Vesterå Grønt A/S", "DK", "46056477", "DK46056477",
                     "Grønttorvet 9", "5220", "Odense SØ", "faktura@vesteragront.example", "da"),
        DemoCustomer("CPH-ATOEM", "Aabenraa Tømmerhandel ApS", "DK", "48135552", "DK48135552",
                     "Skibsbroen 5", "6200", "Aabenraa", "faktura@aabenraatommer.example", "da",
                     payment_condition_days=30),
    ],
}

# Export setting groups: the office's own group, plus the Finnish groups that let every demo export
# have customers of its own.
OFFICE_EXPORT_GROUP = {"TLN": "E-Financials (API)", "HEL": "Finland (Netvisor)", "CPH": "Denmark (e-conomic)"}
DEFAULT_EXPORT_GROUP = "E-Financials (API)"

CONTACTS = {
    "et": ["Mari Tamm", "Jaan Kask", "Kristiina Mägi", "Tõnu Õunapuu", "Külli Sääsk", "Andres Pärn"],
    "en": ["Kristjan Lõhmus", "Ieva Bērziņa", "Anna Nowak", "Erik Lindqvist", "Marta Żak"],
    "fi": ["Aino Virtanen", "Jussi Häkkinen", "Päivi Mäkelä", "Ville Österberg"],
    "sv": ["Björn Åberg", "Sofia Nyström"],
    "da": ["Søren Jørgensen", "Mette Ærenlund", "Lars Bøgh", "Åse Kjær"],
}
SENDER_REFERENCES = ["Gianna N", "Laadung 17", "PO 44871", "Rampi 3", "Lähetys 5521", "Lager B", "Ordre 8812"]
RECEIVER_REFERENCES = ["Martin Smith", "Kaubavastuvõtt", "Ladu 2", "Vastaanotto", "Varemodtagelse", "Dock 4"]
