#!/usr/bin/env python3
"""gen_entra.py - the Entra ID (Azure AD) sign-in benchmark log.

  gen_entra.py --bench --records 1000000 --out FILE [--seed N] [--days D] [--la-share F]

Writes one JSON object per line, in time order over D days (default 7),
like the sign-in logs of a 3,000-user tenant exported by an Azure Monitor
diagnostic setting (storage account PT1H.json / Event Hub): the envelope
(time, resourceId, operationName "Sign-in activity", category SignInLogs or
NonInteractiveUserSignInLogs, resultType as a string, callerIpAddress, ...)
around the Graph-shaped "properties" object, with the field set and nesting
of ../shared/samples/entra-signin.txt (status, location, deviceDetail,
mfaDetail, appliedConditionalAccessPolicies, authenticationDetails,
authenticationProcessingDetails, ...) of a tenant with Conditional Access
policies: 2.9-4.9 KB, 3.5 KB on average (the real successful sign-in of the
samples, without any policy, is 3.9 KB).

A minority (--la-share, default 0.10) are Log Analytics rows instead
(SigninLogs / AADNonInteractiveUserSignInLogs: PascalCase columns; in the
non-interactive table the dynamic columns are JSON text in a string, as in
the real table), so one file exercises both shapes.

Mix: about 63 % non-interactive token refreshes, 35 % interactive sign-ins
of 3,000 users from their office, home and phone addresses (failures with
their follow-up: 50140 "keep me signed in" interrupts, 50074 / 50076 MFA
steps, 50126 typos, 50055 expired passwords, 500121 denied MFA), and under
2 % attacks from public addresses: a single-source ROPC password spray that
finds two passwords, a slow distributed spray over legacy protocols,
brute force with smart lockout (50053), credential stuffing (50034 for
names that do not exist) and internet noise against common names. The
attack campaigns are listed in FILE.truth.json (not asserted: a benchmark).

Everything is drawn from random.Random(seed): same arguments, same bytes.
Python 3 standard library only.
"""

import argparse
import bisect
import heapq
import json
import random
import sys
import time
import uuid

DAY = 86400
HOUR = 3600
START = 1730678400  # 2024-11-04 00:00:00 UTC, a Monday

DOMAIN = "contoso.com"
FIRST = ["james", "mary", "john", "patricia", "robert", "jennifer", "michael", "linda", "david",
         "elizabeth", "william", "barbara", "richard", "susan", "joseph", "jessica", "thomas",
         "sarah", "charles", "karen", "daniel", "lisa", "matthew", "nancy", "anthony", "betty",
         "mark", "sandra", "steven", "ashley", "paul", "emily", "andrew", "donna", "joshua",
         "michelle", "kevin", "carol", "brian", "amanda", "george", "melissa", "timothy",
         "deborah", "ronald", "stephanie", "jason", "rebecca", "ryan", "laura", "oliver",
         "amelia", "harry", "isla", "jack", "ava", "lukas", "lena", "felix", "mia", "jonas",
         "hannah", "arjun", "priya", "rahul", "ananya", "vikram", "sneha", "rohan", "kavya"]
LAST = ["smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis",
        "rodriguez", "martinez", "hernandez", "lopez", "gonzalez", "wilson", "anderson",
        "thomas", "taylor", "moore", "jackson", "martin", "lee", "perez", "thompson", "white",
        "harris", "sanchez", "clark", "ramirez", "lewis", "robinson", "walker", "young",
        "allen", "king", "wright", "scott", "torres", "nguyen", "hill", "flores", "green",
        "adams", "nelson", "baker", "hall", "rivera", "campbell", "mitchell", "carter",
        "roberts", "evans", "turner", "hughes", "edwards", "wood", "muller", "schmidt",
        "schneider", "fischer", "weber", "meyer", "wagner", "becker", "sharma", "patel",
        "gupta", "singh", "kumar", "reddy", "iyer", "nair", "mehta"]
# offices: (city, state, country, lat, lon, egress prefix, ASN, home prefixes, mobile prefixes,
#           IPv6 home prefix, share of users)
OFFICES = [
    ("Seattle", "Washington", "US", 47.6062, -122.3321, "131.107.160.", 8075,
     ["73.97.", "73.221.", "24.16.", "67.183."], ["172.56.", "174.204."], "2601:601:", 0.30),
    ("New York", "New York", "US", 40.7128, -74.0060, "208.67.41.", 7018,
     ["24.193.", "74.101.", "108.30.", "98.116."], ["172.58.", "174.224."], "2600:4040:", 0.22),
    ("London", "England", "GB", 51.5072, -0.1276, "195.171.44.", 2856,
     ["86.142.", "81.107.", "90.221.", "2.29."], ["82.132.", "92.40."], "2a00:23c7:", 0.20),
    ("Berlin", "Berlin", "DE", 52.5200, 13.4050, "217.110.92.", 3320,
     ["84.191.", "91.64.", "93.241.", "79.246."], ["80.187.", "37.24."], "2003:e5:", 0.13),
    ("Bengaluru", "Karnataka", "IN", 12.9716, 77.5946, "115.112.38.", 9498,
     ["49.207.", "106.51.", "117.192.", "157.45."], ["223.187.", "106.195."], "2401:4900:", 0.15),
]
HOME_ASN = {"US": [7922, 22773, 701, 20115], "GB": [2856, 5089, 5607], "DE": [3320, 6805, 3209],
            "IN": [24560, 45609, 55836]}
MOBILE_ASN = {"US": [21928, 6167], "GB": [12576, 25135], "DE": [3320, 6805], "IN": [45609, 55836]}

APPS = {  # name -> appId
    "OfficeHome": "4765445b-32c6-49b0-83e6-1d93765276ca",
    "Microsoft Teams": "1fec8e78-bce4-4aaf-ab1b-5451cc387264",
    "Microsoft Office": "d3590ed6-52b3-4102-aeff-aad2292ab01c",
    "Office 365 Exchange Online": "00000002-0000-0ff1-ce00-000000000000",
    "Office 365 SharePoint Online": "00000003-0000-0ff1-ce00-000000000000",
    "Microsoft Authentication Broker": "29d9ed98-a469-4536-ade2-f981bc1d605e",
    "Outlook Mobile": "27922004-5251-4030-b22d-91ecd9a37ea4",
    "OneDrive SyncEngine": "ab9b8c07-8f02-4f72-87fa-80105867a763",
    "Microsoft Teams Web Client": "5e3ce6c0-2b1f-4285-8d4b-75ee78787346",
    "My Signins": "19db86c3-b2b9-44cc-b339-36da233a3be2",
    "Azure Portal": "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
    "Microsoft Edge": "ecd6b820-32c2-49b6-98a6-444530e5a77a",
    "Windows Sign In": "38aa3b87-a06d-4817-b275-7a316988d93b",
    "Azure Active Directory PowerShell": "1b730954-1685-4b74-9bfd-dac224a7b894",
    "Microsoft Azure CLI": "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
}
RESOURCES = {  # name -> resourceId
    "Microsoft Graph": "00000003-0000-0000-c000-000000000000",
    "Office 365 Exchange Online": "00000002-0000-0ff1-ce00-000000000000",
    "Office 365 SharePoint Online": "00000003-0000-0ff1-ce00-000000000000",
    "Microsoft Teams Services": "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe",
    "Windows Azure Active Directory": "00000002-0000-0000-c000-000000000000",
    "Windows Azure Service Management API": "797f4846-ba00-4fd7-ba43-dac1f8f63013",
    "Office 365 Search Service": "66a88757-258c-4c72-893c-3e8bed4d6899",
}
# interactive (app, resource) pairs for desktops, phones; non-interactive ones
INTERACTIVE_DESKTOP = [("OfficeHome", "Office 365 SharePoint Online", 30),
                       ("Microsoft Teams Web Client", "Microsoft Teams Services", 12),
                       ("Microsoft Office", "Microsoft Graph", 20),
                       ("Windows Sign In", "Windows Azure Active Directory", 18),
                       ("Microsoft Edge", "Microsoft Graph", 8),
                       ("My Signins", "Microsoft Graph", 3),
                       ("Azure Portal", "Windows Azure Service Management API", 4)]
INTERACTIVE_PHONE = [("Outlook Mobile", "Office 365 Exchange Online", 50),
                     ("Microsoft Teams", "Microsoft Teams Services", 35),
                     ("Microsoft Authentication Broker", "Microsoft Graph", 15)]
NONINTERACTIVE_DESKTOP = [("Microsoft Teams", "Microsoft Teams Services", 30),
                          ("Microsoft Office", "Office 365 Exchange Online", 25),
                          ("Microsoft Office", "Office 365 Search Service", 8),
                          ("OneDrive SyncEngine", "Office 365 SharePoint Online", 15),
                          ("Microsoft Authentication Broker", "Microsoft Graph", 12),
                          ("Microsoft Edge", "Microsoft Graph", 10)]
NONINTERACTIVE_PHONE = [("Outlook Mobile", "Office 365 Exchange Online", 55),
                        ("Microsoft Teams", "Microsoft Teams Services", 30),
                        ("Microsoft Authentication Broker", "Microsoft Graph", 15)]

FAIL_TEXT = {
    50126: "Error validating credentials due to invalid username or password.",
    50034: "The user account does not exist in the contoso.com directory. To sign into this "
           "application, the account must be added to the directory.",
    50053: "Account is locked because user tried to sign in too many times with an incorrect "
           "user ID or password.",
    50055: "The password is expired.",
    50074: "Strong Authentication is required.",
    50076: "Due to a configuration change made by your administrator, or because you moved to "
           "a new location, you must use multi-factor authentication to access "
           "'00000003-0000-0000-c000-000000000000'.",
    50140: "This error occurred due to 'Keep me signed in' interrupt when the user was "
           "signing-in.",
    500121: "Authentication failed during strong authentication request.",
    50173: "The provided grant has expired due to it being revoked, a fresh auth token is "
           "needed. The user might have changed or reset their password.",
    70044: "The session has expired or is invalid due to sign-in frequency checks by "
           "conditional access.",
    700082: "The refresh token has expired due to inactivity.",
    50089: "Flow token expired - Authentication Failed.",
}
STEP_DETAIL = {50126: "Invalid username or password or Invalid on-premise username or password.",
               50074: "MFA required in Azure AD", 50076: "MFA required in Azure AD",
               50055: "Password expired", 50053: "Account is locked",
               50140: "Correct password", 500121: "MFA denied; user declined the authentication"}

CA_POLICIES = [  # displayName, grant controls, session controls, applies to (i)nteractive/(a)ll
    ("CA001: Require MFA for all users", ["Mfa"], [], "a"),
    ("CA002: Block legacy authentication", ["Block"], [], "a"),
    ("CA003: Require compliant device for admins", ["RequireCompliantDevice"], [], "a"),
    ("CA004: Sign-in frequency 12h, unmanaged devices", [], ["SignInFrequency"], "i"),
]


ATTACK_UA = ["python-requests/2.31.0", "BAV2ROPC", "Mozilla/5.0 (compatible; MSAL 1.0) PKeyAuth/1.0",
             "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/91.0.4472.124 Safari/537.36", "okhttp/4.9.3", "curl/8.4.0"]
ATTACK_GEO = [("Amsterdam", "Noord-Holland", "NL", 52.37, 4.89, 14061),
              ("Frankfurt am Main", "Hessen", "DE", 50.11, 8.68, 16276),
              ("Bucharest", "Bucuresti", "RO", 44.43, 26.10, 9009),
              ("Singapore", "Central Singapore", "SG", 1.29, 103.85, 14061),
              ("Ashburn", "Virginia", "US", 39.04, -77.49, 14618),
              ("Hanoi", "Ha Noi", "VN", 21.03, 105.85, 45899),
              ("Sao Paulo", "Sao Paulo", "BR", -23.55, -46.63, 28573),
              ("Moscow", "Moscow", "RU", 55.75, 37.62, 49505),
              ("Lagos", "Lagos", "NG", 6.52, 3.38, 37148),
              ("Kyiv", "Kyiv City", "UA", 50.45, 30.52, 15895),
              ("Shenzhen", "Guangdong", "CN", 22.54, 114.06, 4134),
              ("Seoul", "Seoul", "KR", 37.57, 126.98, 4766)]
COMMON_NAMES = ["admin", "administrator", "info", "test", "support", "sales", "office", "hr",
                "it", "helpdesk", "finance", "contact", "billing", "service", "user", "scanner",
                "noreply", "marketing", "accounts", "security"]


def guid(rnd):
    return str(uuid.UUID(int=rnd.getrandbits(128), version=4))


class Gen:
    def __init__(self, seed, records, days, la_share):
        self.rnd = rnd = random.Random(seed)
        self.records = records
        self.days = days
        self.span = days * DAY
        self.la_share = la_share
        self.tenant = guid(rnd)
        self.resource_id = "/tenants/%s/providers/Microsoft.aadiam" % self.tenant
        self.policy_ids = [guid(rnd) for _ in CA_POLICIES]
        self.tscache = {}
        self.make_users()

    # --- tenant ---------------------------------------------------------------------------

    def make_users(self):
        rnd = self.rnd
        names = [(f, l) for f in FIRST for l in LAST]
        rnd.shuffle(names)
        self.users = []
        offices = []
        acc = 0.0
        for o in OFFICES:
            acc += o[-1]
            offices.append(acc)
        self.office_ips = [[o[5] + str(rnd.randrange(10, 250)) for _ in range(4)] for o in OFFICES]
        seen = set()
        for f, l in names:
            if len(self.users) >= 3000:
                break
            upn = "%s.%s@%s" % (f, l, DOMAIN)
            if upn in seen:
                continue
            seen.add(upn)
            if rnd.random() < 0.03:  # mixed case, as some tenants have it
                upn = "%s.%s@%s" % (f.capitalize(), l.capitalize(), DOMAIN)
            oi = bisect.bisect_left(offices, rnd.random() * acc)
            o = OFFICES[min(oi, len(OFFICES) - 1)]
            country = o[2]
            if rnd.random() < 0.15:
                home = o[9] + "%x:%x:%x:%x:%x:%x" % tuple(rnd.randrange(1, 0xffff) for _ in range(6))
            else:
                home = rnd.choice(o[7]) + "%d.%d" % (rnd.randrange(256), rnd.randrange(1, 255))
            mobile = rnd.choice(o[8]) + "%d.%d" % (rnd.randrange(256), rnd.randrange(1, 255))
            r = rnd.random()
            if r < 0.55:
                dos, brand, ver = "Windows10", "Edge", "130.0.0"
                ua = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                      "Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0")
            elif r < 0.75:
                dos, brand, ver = "Windows10", "Chrome", "130.0.0"
                ua = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                      "Gecko) Chrome/130.0.0.0 Safari/537.36")
            elif r < 0.90:
                dos, brand, ver = "MacOs", "Safari", "17.6"
                ua = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
                      "(KHTML, like Gecko) Version/17.6 Safari/605.1.15")
            else:
                dos, brand, ver = "MacOs", "Chrome", "130.0.0"
                ua = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, "
                      "like Gecko) Chrome/130.0.0.0 Safari/537.36")
            managed = rnd.random() < 0.85
            desktop = {"deviceId": guid(rnd) if managed else "",
                       "displayName": ("%s-%s" % ("LT" if dos == "Windows10" else "MBP",
                                                  "%06X" % rnd.getrandbits(24))) if managed else "",
                       "operatingSystem": dos, "browser": "%s %s" % (brand, ver)}
            if managed:
                desktop.update({"isCompliant": rnd.random() < 0.95, "isManaged": True,
                                "trustType": "Azure AD joined" if dos == "Windows10" else
                                "Azure AD registered"})
            if rnd.random() < 0.6:
                pos, pua = "Ios", ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) "
                                   "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148")
                pbr = "Mobile Safari 17.6"
            else:
                pos, pua = "Android", ("Dalvik/2.1.0 (Linux; U; Android 14; SM-S918B "
                                       "Build/UP1A.231005.007)")
                pbr = "Rich Client 5.2.0"
            phone = {"deviceId": guid(rnd), "displayName": "", "operatingSystem": pos,
                     "browser": pbr, "isCompliant": True, "isManaged": True,
                     "trustType": "Azure AD registered"}
            self.users.append({
                "upn": upn, "id": guid(rnd), "name": "%s %s" % (f.capitalize(), l.capitalize()),
                "office": o, "oi": OFFICES.index(o), "home": home, "mobile": mobile,
                "home_asn": rnd.choice(HOME_ASN[country]), "mobile_asn": rnd.choice(MOBILE_ASN[country]),
                "desktop": desktop, "desktop_ua": ua, "phone": phone, "phone_ua": pua,
                "mfa": rnd.choice(["Mobile app notification"] * 6 + ["OATH verification code"] * 2 +
                                  ["Text message"]),
                "guest": rnd.random() < 0.02, "admin": rnd.random() < 0.03,
                "w": min(rnd.paretovariate(1.6), 40.0),
            })
        self.user_cum = []
        acc = 0.0
        for u in self.users:
            acc += u["w"]
            self.user_cum.append(acc)
        self.user_acc = acc
        self.by_alpha = sorted(self.users, key=lambda u: u["upn"].lower())

    def pick_user(self):
        return self.users[bisect.bisect_left(self.user_cum, self.rnd.random() * self.user_acc)]

    # --- time -----------------------------------------------------------------------------

    def hour_weights(self):
        w = []
        for h in range(self.days * 24):
            day, hod = divmod(h, 24)
            if 7 <= hod < 18:
                x = 3.0
            elif 18 <= hod < 22 or 5 <= hod < 7:
                x = 1.3
            else:
                x = 0.5  # token refreshes never stop
            if day % 7 >= 5:
                x *= 0.3
            w.append(x)
        return w

    def ts_text(self, ts, zulu):
        s = int(ts)
        frac = int((ts - s) * 1e7)
        h = self.tscache.get(s)
        if h is None:
            if len(self.tscache) > 8192:
                self.tscache.clear()
            h = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s))
            self.tscache[s] = h
        return "%s.%07d%s" % (h, frac, "Z" if zulu else "+00:00")

    # --- events ---------------------------------------------------------------------------
    # An event is a tuple (ts, seq, dict of record parameters); render() turns it into text.

    def background(self, n_units):
        """Time-ordered background units: (ts, kind, user, where)."""
        rnd = self.rnd
        w = self.hour_weights()
        tot = sum(w)
        carry = 0.0
        for h, x in enumerate(w):
            exact = n_units * x / tot + carry
            k = int(exact)
            carry = exact - k
            base = START + h * HOUR
            for t in sorted(base + rnd.random() * HOUR for _ in range(k)):
                yield t

    def user_where(self, u, phone):
        """(ip, asn, city tuple, named network) of a user's sign-in."""
        rnd = self.rnd
        o = u["office"]
        if phone:
            if rnd.random() < 0.5:
                return u["mobile"], u["mobile_asn"], o, False
            return rnd.choice(self.office_ips[u["oi"]]), o[6], o, True
        r = rnd.random()
        if r < 0.62:
            return rnd.choice(self.office_ips[u["oi"]]), o[6], o, True
        return u["home"], u["home_asn"], o, False

    def user_event(self, t, interactive, code=0, phone=None, app=None, mfa_done=False):
        return self.user_event_for(self.pick_user(), t, interactive, code, phone, app, mfa_done)

    def user_event_for(self, u, t, interactive, code=0, phone=None, app=None, mfa_done=False,
                       where=None):
        rnd = self.rnd
        if phone is None:
            phone = rnd.random() < 0.25
        if app is None:
            lst = (INTERACTIVE_PHONE if phone else INTERACTIVE_DESKTOP) if interactive else \
                  (NONINTERACTIVE_PHONE if phone else NONINTERACTIVE_DESKTOP)
            app = weighted(rnd, lst)
        ip, asn, o, named = where or self.user_where(u, phone)
        return {"ts": t, "user": u["upn"], "uid": u["id"], "uname": u["name"],
                "guest": u["guest"], "admin": u["admin"], "interactive": interactive, "code": code,
                "app": app[0], "res": app[1], "ip": ip, "asn": asn,
                "geo": (o[0], o[1], o[2], o[3], o[4]), "named": named,
                "device": u["phone"] if phone else u["desktop"],
                "ua": u["phone_ua"] if phone else u["desktop_ua"],
                "client": "Mobile Apps and Desktop clients" if (phone or app[0] != "OfficeHome" and
                                                              app[0] != "Azure Portal" and
                                                              app[0] != "My Signins" and
                                                              app[0] != "Microsoft Teams Web Client")
                else "Browser",
                "mfa": u["mfa"], "mfa_done": mfa_done, "proto": "none",
                "_u": u, "_phone": phone, "_where": (ip, asn, o, named), "_appt": app}

    def follow(self, ev, dt, **kw):
        """The same user, device, app and address dt seconds later."""
        e = self.user_event_for(ev["_u"], ev["ts"] + dt, ev["interactive"], phone=ev["_phone"],
                                app=ev["_appt"], where=ev["_where"])
        e.update(kw)
        return e

    def background_event(self, t, pending, seq):
        """One background unit at t; follow-ups go to the pending heap."""
        rnd = self.rnd
        r = rnd.random()
        if r < 0.615:  # a refresh token carries the MFA claim of the sign-in it came from
            return self.user_event(t, False, mfa_done=rnd.random() < 0.6)
        if r < 0.63:  # non-interactive failures: stale tokens, CA sign-in frequency
            return self.user_event(t, False, code=rnd.choice([50173, 70044, 700082, 50089, 50076]))
        ev = self.user_event(t, True)
        r = rnd.random()
        code, fu = 0, None
        if r < 0.10:
            code, fu = 50140, (rnd.uniform(2, 12), {"code": 0, "mfa_done": True})
        elif r < 0.16:
            code, fu = 50074, (rnd.uniform(12, 45), {"code": 0, "mfa_done": True})
        elif r < 0.20:
            code, fu = 50076, (rnd.uniform(12, 45), {"code": 0, "mfa_done": True})
        elif r < 0.235:
            code, fu = 50126, (rnd.uniform(8, 60), {"code": 0, "mfa_done": True})
        elif r < 0.240:
            code, fu = 500121, (rnd.uniform(30, 120), {"code": 0, "mfa_done": True}) \
                if rnd.random() < 0.6 else None
        elif r < 0.2415:
            code = 50055
        else:
            ev["mfa_done"] = rnd.random() < 0.35
        ev["code"] = code
        if fu:
            f = self.follow(ev, fu[0], **fu[1])
            heapq.heappush(pending, (f["ts"], seq, f))
        return ev

    # --- attacks --------------------------------------------------------------------------

    def attacker_ip(self):
        rnd = self.rnd
        return "%d.%d.%d.%d" % (rnd.choice([45, 46, 77, 89, 91, 103, 138, 141, 159, 167, 178, 185,
                                            193, 194, 195, 212]),
                                rnd.randrange(256), rnd.randrange(256), rnd.randrange(2, 254))

    def attack_event(self, t, ip, geo, upn, u, code, ua, client, app, proto, interactive=True):
        return {"ts": t, "user": upn, "uid": u["id"] if u else "", "uname": u["name"] if u else "",
                "guest": False, "admin": False, "interactive": interactive, "code": code, "app": app[0],
                "res": app[1], "ip": ip, "asn": geo[5], "geo": geo[:5], "named": False,
                "device": {"deviceId": "", "operatingSystem": "", "browser": ""}
                if "Mozilla" not in ua else {"deviceId": "", "operatingSystem": "Windows10",
                                             "browser": "Chrome 91.0.4472"},
                "ua": ua, "client": client, "mfa": "", "mfa_done": False, "proto": proto}

    def attacks(self, scale):
        rnd = self.rnd
        users = self.users
        ev = []
        truth = []
        span = self.span

        def sc(n):
            return max(1, int(n * scale))

        # 1. single-source ROPC password spray, alphabetical, two rounds; finds two passwords
        ip = self.attacker_ip()
        geo = ATTACK_GEO[0]
        t0 = START + 0.20 * span
        targets = self.by_alpha[:min(len(users), sc(800))]
        app = ("Azure Active Directory PowerShell", "Windows Azure Active Directory")
        hit_mfa = targets[len(targets) // 3]
        hit = targets[(2 * len(targets)) // 3]
        for rnd_i in range(2):
            t = t0 + rnd_i * 12 * HOUR
            for u in targets:
                t += rnd.uniform(4, 22)
                code = 50053 if rnd.random() < 0.02 else 50126
                if rnd_i == 1 and u is hit_mfa:
                    code = 50076
                if rnd_i == 1 and u is hit:
                    code = 0
                ev.append(self.attack_event(t, ip, geo, u["upn"], u, code, "python-requests/2.31.0",
                                            "Mobile Apps and Desktop clients", app, "ropc"))
        # the sprayed account that got in, used from the spray address
        for k in range(sc(12)):
            ev.append(self.attack_event(t + 300 + k * 240, ip, geo, hit["upn"], hit, 0,
                                        "python-requests/2.31.0", "Mobile Apps and Desktop clients",
                                        ("Microsoft Office", "Office 365 Exchange Online"), "none"))
        truth.append({"kind": "password_spray", "sources": [ip],
                      "compromised": [hit["upn"]], "password_valid_mfa_blocked": [hit_mfa["upn"]]})

        # 2. slow distributed spray over legacy protocols from 60 addresses
        ips = [(self.attacker_ip(), rnd.choice(ATTACK_GEO)) for _ in range(60)]
        n = sc(6000)
        legacy = [("Authenticated SMTP", ("Office 365 Exchange Online", "Office 365 Exchange Online")),
                  ("IMAP4", ("Office 365 Exchange Online", "Office 365 Exchange Online")),
                  ("Exchange ActiveSync", ("Office 365 Exchange Online", "Office 365 Exchange Online"))]
        for k in range(n):
            t = START + 0.05 * span + rnd.random() * 0.85 * span
            a, g = ips[k % len(ips)]
            if rnd.random() < 0.9:
                u = rnd.choice(users)
                upn, code = u["upn"], 50126 if rnd.random() < 0.97 else 50053
            else:
                u, upn, code = None, "%s%d@%s" % (rnd.choice(FIRST), rnd.randrange(100), DOMAIN), 50034
            client, ap = legacy[k % 3]
            ev.append(self.attack_event(t, a, g, upn, u, code, "BAV2ROPC", client, ap, "ropc",
                                        interactive=False))
        truth.append({"kind": "distributed_spray", "sources": sorted(x[0] for x in ips)})

        # 3. brute force with smart lockout: 4 addresses, 1-2 users each
        for b in range(4):
            ip = self.attacker_ip()
            geo = rnd.choice(ATTACK_GEO)
            victims = rnd.sample(users, rnd.randrange(1, 3))
            t = START + rnd.uniform(0.1, 0.8) * span
            ua = rnd.choice(ATTACK_UA)
            for k in range(sc(600)):
                t += rnd.uniform(0.8, 6)
                u = victims[k % len(victims)]
                code = 50053 if (k % 13) >= 10 else 50126
                ev.append(self.attack_event(t, ip, geo, u["upn"], u, code, ua, "Browser",
                                            ("OfficeHome", "Office 365 SharePoint Online"), "none"))
            truth.append({"kind": "brute_force", "sources": [ip],
                          "users": sorted(v["upn"] for v in victims)})

        # 4. credential stuffing from 25 proxies: mostly names that do not exist
        ips = [(self.attacker_ip(), rnd.choice(ATTACK_GEO)) for _ in range(25)]
        t = START + 0.55 * span
        n = sc(3000)
        stuffed_mfa = None
        for k in range(n):
            t += rnd.uniform(0.2, 2.5)
            a, g = ips[rnd.randrange(len(ips))]
            if rnd.random() < 0.15:
                u = rnd.choice(users)
                upn, code = u["upn"], 50126
                if stuffed_mfa is None and k > n // 2:
                    stuffed_mfa, code = u["upn"], 50076
            else:
                u = None
                upn = "%s.%s%d@%s" % (rnd.choice(FIRST), rnd.choice(LAST), rnd.randrange(10, 99),
                                      DOMAIN)
                code = 50034
            ev.append(self.attack_event(t, a, g, upn, u, code, rnd.choice(ATTACK_UA[:4]),
                                        "Other clients", ("Microsoft Office", "Microsoft Graph"),
                                        "ropc"))
        truth.append({"kind": "credential_stuffing", "sources": sorted(x[0] for x in ips),
                      "password_valid_mfa_blocked": [stuffed_mfa] if stuffed_mfa else []})

        # 5. internet noise: single attempts against common names from many addresses
        for k in range(sc(3000)):
            t = START + rnd.random() * 0.98 * span
            ev.append(self.attack_event(t, self.attacker_ip(), rnd.choice(ATTACK_GEO),
                                        "%s@%s" % (rnd.choice(COMMON_NAMES), DOMAIN), None, 50034,
                                        rnd.choice(ATTACK_UA), "Other clients",
                                        ("Office 365 Exchange Online", "Office 365 Exchange Online"),
                                        "ropc", interactive=False))
        ev.sort(key=lambda e: e["ts"])
        return ev, truth

    # --- rendering ------------------------------------------------------------------------

    def ca_policies(self, e):
        out = []
        for i, (name, grant, sess, scope) in enumerate(CA_POLICIES):
            if i == 2 and not e["admin"] or \
                    i == 3 and not (e["interactive"] and not e["device"].get("isManaged")):
                continue
            if e["code"] in (50126, 50034, 50053):
                result = "notApplied"  # evaluated after the first factor only
            elif i == 0:
                result = "success" if e["mfa_done"] or not e["interactive"] else "failure" \
                    if e["code"] in (50074, 50076, 500121) else "notApplied"
            elif i == 1:
                result = "failure" if e["client"] not in ("Browser", "Mobile Apps and Desktop clients") \
                    else "notApplied"
            elif i == 2:
                result = "reportOnlyNotApplied"
            else:
                result = "notApplied"
            out.append({"id": self.policy_ids[i], "displayName": name,
                        "enforcedGrantControls": grant if result in ("success", "failure") else [],
                        "enforcedSessionControls": sess if result in ("success", "failure") else [],
                        "result": result})
        return out

    def graph_object(self, e, created):
        """The Graph-shaped sign-in (diagnostic export "properties")."""
        rnd = self.rnd
        code = e["code"]
        inter = e["interactive"]
        corr = guid(rnd)
        rid = guid(rnd)
        status = {"errorCode": code}
        if code:
            status["failureReason"] = FAIL_TEXT[code]
        if code == 0 and e["mfa_done"]:
            status["additionalDetails"] = "MFA completed in Azure AD" if inter else \
                "MFA requirement satisfied by claim in the token"
        elif code in (50074, 50076):
            status["additionalDetails"] = "MFA required in Azure AD"
        mfa_req = e["mfa_done"] or code in (50074, 50076, 500121)
        steps = []
        if inter:
            if code in (50126, 50053, 50055, 50034):
                steps.append({"authenticationStepDateTime": created, "authenticationMethod": "Password",
                              "authenticationMethodDetail": "Password in the cloud", "succeeded": False,
                              "authenticationStepResultDetail": STEP_DETAIL.get(code, FAIL_TEXT[code]),
                              "authenticationStepRequirement": "Primary authentication",
                              "StatusSequence": code, "RequestSequence": 0})
            else:
                steps.append({"authenticationStepDateTime": created, "authenticationMethod": "Password",
                              "authenticationMethodDetail": "Password in the cloud", "succeeded": True,
                              "authenticationStepResultDetail": "Correct password",
                              "authenticationStepRequirement": "Primary authentication",
                              "StatusSequence": 0, "RequestSequence": 1})
                if mfa_req and e["mfa"]:
                    steps.append({"authenticationStepDateTime": created,
                                  "authenticationMethod": e["mfa"],
                                  "succeeded": code == 0,
                                  "authenticationStepResultDetail": "MFA successfully completed"
                                  if code == 0 else STEP_DETAIL.get(code, "MFA required in Azure AD"),
                                  "authenticationStepRequirement": "Multifactor authentication",
                                  "StatusSequence": 0 if code == 0 else code, "RequestSequence": 1})
        elif code or rnd.random() < 0.3:
            steps.append({"authenticationStepDateTime": created,
                          "authenticationMethod": "Previously satisfied", "succeeded": code == 0,
                          "authenticationStepResultDetail": "First factor requirement satisfied by "
                          "claim in the token" if code == 0 else FAIL_TEXT[code],
                          "authenticationStepRequirement": "Primary authentication",
                          "StatusSequence": 0, "RequestSequence": 0})
        procdet = [{"key": "Legacy TLS (TLS 1.0, 1.1, 3DES)", "value": "False"}]
        if not inter:
            procdet.append({"key": "Is CAE Token", "value": "True"})
        if e["res"] == "Microsoft Graph":
            procdet.insert(1, {"key": "Oauth Scope Info",
                               "value": "[\"email\",\"openid\",\"profile\",\"User.Read\","
                                        "\"offline_access\"]"})
        ge = e["geo"]
        o = {
            "id": rid, "createdDateTime": created, "userDisplayName": e["uname"],
            "userPrincipalName": e["user"], "userId": e["uid"], "appId": APPS[e["app"]],
            "appDisplayName": e["app"], "ipAddress": e["ip"], "status": status,
            "clientAppUsed": e["client"], "userAgent": e["ua"], "deviceDetail": e["device"],
            "location": {"city": ge[0], "state": ge[1], "countryOrRegion": ge[2],
                         "geoCoordinates": {"latitude": round(ge[3] + rnd.uniform(-0.05, 0.05), 6),
                                            "longitude": round(ge[4] + rnd.uniform(-0.05, 0.05), 6)}},
            "mfaDetail": {"authMethod": e["mfa"]} if (code == 0 and e["mfa_done"] and inter) else {},
            "correlationId": corr,
            "conditionalAccessStatus": "notApplied" if code in (50126, 50034, 50053) else
            ("failure" if code in (50074, 50076, 500121) or
             e["client"] not in ("Browser", "Mobile Apps and Desktop clients") else "success"),
            "appliedConditionalAccessPolicies": self.ca_policies(e),
            "originalRequestId": rid, "isInteractive": bool(inter), "tokenIssuerName": "",
            "tokenIssuerType": "AzureAD", "authenticationProcessingDetails": procdet,
            "networkLocationDetails": [{"networkType": "namedNetwork",
                                        "networkNames": ["%s office" % ge[0]]}] if e["named"] else [],
            "processingTimeInMilliseconds": rnd.randrange(20, 400) if inter else rnd.randrange(3, 90),
            "riskDetail": "none", "riskLevelAggregated": "none", "riskLevelDuringSignIn": "none",
            "riskState": "none", "riskEventTypes": [], "riskEventTypes_v2": [],
            "resourceDisplayName": e["res"], "resourceId": RESOURCES[e["res"]],
            "resourceTenantId": self.tenant, "homeTenantId": self.tenant,
            "authenticationDetails": steps,
            "authenticationRequirementPolicies": [{"requirementProvider": "multiConditionalAccess",
                                                   "detail": "Conditional Access"}] if mfa_req else [],
            "authenticationRequirement": "multiFactorAuthentication" if mfa_req else
            "singleFactorAuthentication",
            "servicePrincipalId": "", "userType": "Guest" if e["guest"] else "Member",
            "flaggedForReview": False, "isTenantRestricted": False,
            "autonomousSystemNumber": e["asn"], "crossTenantAccessType": "none",
            "privateLinkDetails": {}, "ssoExtensionVersion": "",
            "uniqueTokenIdentifier": "%022x" % rnd.getrandbits(88),
            "incomingTokenType": "none" if inter else
            rnd.choice(["refreshToken", "primaryRefreshToken", "none"]),
            "authenticationProtocol": e["proto"], "appServicePrincipalId": None,
        }
        return o, corr

    def render_diag(self, e):
        created = self.ts_text(e["ts"], False)
        o, corr = self.graph_object(e, created)
        code = e["code"]
        env = {"time": self.ts_text(e["ts"], True), "resourceId": self.resource_id,
               "operationName": "Sign-in activity", "operationVersion": "1.0",
               "category": "SignInLogs" if e["interactive"] else "NonInteractiveUserSignInLogs",
               "tenantId": self.tenant, "resultType": str(code), "resultSignature": "None"}
        if code:
            env["resultDescription"] = FAIL_TEXT[code]
        env.update({"durationMs": 0, "callerIpAddress": e["ip"], "correlationId": corr,
                    "identity": e["uname"], "Level": 4, "location": e["geo"][2], "properties": o})
        if self.rnd.random() < 0.6:
            # storage-account PT1H.json style: spaced envelope, compact properties (sample 3)
            head = json.dumps({k: v for k, v in env.items() if k != "properties"},
                              separators=(", ", ": "))
            return head[:-1] + ", \"properties\": " + json.dumps(o, separators=(",", ":")) + "}"
        return json.dumps(env, separators=(",", ":"))

    def render_la(self, e):
        """A Log Analytics row: PascalCase; the non-interactive table keeps dynamic columns as text."""
        created = self.ts_text(e["ts"], True)
        o, corr = self.graph_object(e, created)
        inter = e["interactive"]

        def dyn(v):
            return v if inter else json.dumps(v, separators=(",", ":"))
        code = e["code"]
        row = {
            "TenantId": self.tenant, "SourceSystem": "Azure AD", "TimeGenerated": created,
            "ResourceId": self.resource_id, "OperationName": "Sign-in activity",
            "OperationVersion": "1.0",
            "Category": "SignInLogs" if inter else "NonInteractiveUserSignInLogs",
            "ResultType": str(code), "ResultSignature": "SUCCESS" if code == 0 else "FAILURE",
            "ResultDescription": FAIL_TEXT.get(code, ""), "DurationMs": 0, "CorrelationId": corr,
            "Resource": "Microsoft.aadiam", "ResourceGroup": "Microsoft.aadiam",
            "ResourceProvider": "Microsoft.aadiam", "Identity": e["uname"], "Level": "4",
            "Location": e["geo"][2], "AlternateSignInName": e["user"],
            "AppDisplayName": e["app"], "AppId": o["appId"],
            "AuthenticationContextClassReferences": "[]",
            "AuthenticationDetails": dyn(o["authenticationDetails"]),
            "AuthenticationMethodsUsed": "", "AuthenticationProcessingDetails":
            dyn(o["authenticationProcessingDetails"]),
            "AuthenticationRequirement": o["authenticationRequirement"],
            "AuthenticationRequirementPolicies": dyn(o["authenticationRequirementPolicies"]),
            "ClientAppUsed": e["client"],
            "ConditionalAccessPolicies": dyn(o["appliedConditionalAccessPolicies"]),
            "ConditionalAccessStatus": o["conditionalAccessStatus"], "CreatedDateTime": created,
            "DeviceDetail": dyn(o["deviceDetail"]), "IsInteractive": bool(inter), "Id": o["id"],
            "IPAddress": e["ip"], "IsRisky": False, "LocationDetails": dyn(o["location"]),
            "MfaDetail": dyn(o["mfaDetail"]), "NetworkLocationDetails": dyn(o["networkLocationDetails"]),
            "OriginalRequestId": o["originalRequestId"],
            "ProcessingTimeInMs": str(o["processingTimeInMilliseconds"]),
            "RiskDetail": "none", "RiskEventTypes": "[]", "RiskEventTypes_V2": "[]",
            "RiskLevelAggregated": "none", "RiskLevelDuringSignIn": "none", "RiskState": "none",
            "ResourceDisplayName": e["res"], "ResourceIdentity": o["resourceId"],
            "ServicePrincipalId": "", "Status": dyn(o["status"]), "TokenIssuerName": "",
            "TokenIssuerType": "AzureAD", "UserAgent": e["ua"], "UserDisplayName": e["uname"],
            "UserId": e["uid"], "UserPrincipalName": e["user"], "AADTenantId": self.tenant,
            "UserType": o["userType"], "FlaggedForReview": False, "IPAddressFromResourceProvider": "",
            "SignInIdentifier": e["user"], "SignInIdentifierType": "",
            "ResourceTenantId": self.tenant, "HomeTenantId": self.tenant,
            "UniqueTokenIdentifier": o["uniqueTokenIdentifier"], "SessionLifetimePolicies": "[]",
            "AutonomousSystemNumber": str(e["asn"]), "AuthenticationProtocol": e["proto"],
            "CrossTenantAccessType": "none", "AppliedEventListeners": "[]",
            "RiskLevel": "", "IncomingTokenType": o["incomingTokenType"],
            "Type": "SigninLogs" if inter else "AADNonInteractiveUserSignInLogs",
        }
        return json.dumps(row, separators=(",", ":"))

    # --- the file -------------------------------------------------------------------------

    def write(self, path):
        rnd = self.rnd
        scale = self.records / 1e6
        att, truth = self.attacks(scale)
        # a background unit gives 1 record, or 2 with a follow-up (37 % interactive, of which
        # 23.8 % have one): 1.088 records a unit
        n_units = int(max(0, self.records - len(att)) / 1.088) + 64
        pending = []  # follow-ups: (ts, seq, event)
        bg = self.background(n_units)
        ai = 0
        seq = 0
        written = 0
        la = self.la_share
        nxt = next(bg, None)
        buf = []
        with open(path, "w") as f:
            while written < self.records:
                cands = []
                if nxt is not None:
                    cands.append((nxt, 0))
                if pending:
                    cands.append((pending[0][0], 1))
                if ai < len(att):
                    cands.append((att[ai]["ts"], 2))
                if not cands:
                    break
                src = min(cands)[1]
                if src == 0:
                    seq += 1
                    e = self.background_event(nxt, pending, seq)
                    nxt = next(bg, None)
                elif src == 1:
                    e = heapq.heappop(pending)[2]
                else:
                    e = att[ai]
                    ai += 1
                buf.append(self.render_la(e) if rnd.random() < la else self.render_diag(e))
                buf.append("\n")
                written += 1
                if len(buf) >= 8192:
                    f.writelines(buf)
                    buf = []
            f.writelines(buf)
        with open(path + ".truth.json", "w") as f:
            json.dump({"records": written, "tenant": self.tenant, "users": len(self.users),
                       "attacks": truth,
                       "note": "benchmark input; its alerts are not asserted"}, f, indent=1)
            f.write("\n")
        return written


def weighted(rnd, lst):
    tot = sum(x[2] for x in lst)
    r = rnd.random() * tot
    for x in lst:
        r -= x[2]
        if r < 0:
            return x
    return lst[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bench", action="store_true", help="write the benchmark log")
    ap.add_argument("--records", type=int, default=1000000)
    ap.add_argument("--days", type=int, default=7)
    ap.add_argument("--la-share", type=float, default=0.10,
                    help="share of records written as Log Analytics rows (default 0.10)")
    ap.add_argument("--out", help="output file (attack list goes to OUT.truth.json)")
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    if not a.bench or not a.out:
        ap.error("usage: --bench --records N --out FILE")
    n = Gen(a.seed, a.records, a.days, a.la_share).write(a.out)
    print("%s: %d records" % (a.out, n), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
