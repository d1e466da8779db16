#!/usr/bin/env python3
"""gen_identity.py - labelled attack scenarios in identity-log formats.

Writes the record shapes of ../shared/samples, one record per line:
  * Windows Security events as single-line XML: the Windows rendering (WEF,
    Event Viewer, Splunk XmlWinEventLog: ISO SystemTime with 7 digits and Z,
    self-closing tags) and, in one scenario, the python-evtx rendering
    (SystemTime "YYYY-MM-DD hh:mm:ss.ffffff+00:00", Qualifiers="", padded
    HexInt64, "User32 " with its trailing space); 4624, 4625, 4740, 4768,
    4769, 4771, 4776 with the Data order of reference/identity-logs.md 1a;
  * Entra ID sign-ins, both as the diagnostic-settings envelope (Event Hub /
    storage export: "properties" holding the Graph object) and as Log
    Analytics rows (SigninLogs / AADNonInteractiveUserSignInLogs columns);
  * Microsoft 365 audit UserLoggedIn / UserLoginFailed (the MSOLSpray shape);
  * Okta System Log LogEvents (Identity Engine flow: password verify, push,
    auth_via_mfa, session.start; deny_push);
  * Citrix NetScaler native syslog (AAA LOGIN_FAILED, AAATM LOGIN,
    SSLVPN LOGIN / LOGOUT with Duration and byte counters).

Every scenario starts with about two hours of ordinary background (several
dozen people signing in from their own stable addresses, the odd mistyped
password followed by a success) because the engine learns its baselines in
the first hour; the attacks come after. Times are in March 2024, UTC.

  gen_identity.py --list
  gen_identity.py --scenario NAME --out FILE [--seed N]   FILE + FILE.truth.json

The truth file lists exactly the alerts a correct detector must give:
{"scenario": NAME, "alerts": [{"kind", "sources", "users", "compromised"}]}
with sources/users/compromised as exact sets (users as dwell keys them:
lower case, "DOMAIN\\" and "@domain" dropped); nothing else may be alerted.
Everything is drawn from random.Random(scenario/seed): same arguments, same
bytes. Python 3 standard library only.
"""

import ipaddress
import json
import random
import sys
import time

import scenario_io

DAY = 86400
HOUR = 3600
MIN = 60
# Scenarios start on Tuesday 2024-03-05 06:00:00 UTC.
T0 = 1709618400

FIRST = ["Alice", "Brian", "Carla", "David", "Emma", "Frank", "Grace", "Henry", "Irene", "James",
         "Karen", "Louis", "Maria", "Nathan", "Olivia", "Peter", "Queenie", "Robert", "Sarah",
         "Thomas", "Ursula", "Victor", "Wendy", "Xavier", "Yvonne", "Zach", "Anna", "Ben",
         "Chloe", "Daniel"]
LAST = ["Smith", "Jones", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Johnson",
        "Roberts", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards",
        "Green", "Hall", "Wood", "Harris", "Lewis", "Martin", "Jackson", "Clarke", "Turner",
        "Hill", "Scott", "Cooper", "Morris"]

AD_DOMAIN = "CORP"
AD_FQDN = "corp.example.com"
AD_REALM = "CORP.EXAMPLE.COM"
AD_SID = "S-1-5-21-1004336348-1177238915-682003330"
UPN_DOMAIN = "example.com"

BROWSERS = [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/122.0.0.0 Safari/537.36", "Chrome 122.0.0", "Windows 10", "CHROME", "Windows 10"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.66", "Edge 122.0.2365", "Windows 10", "EDGE",
     "Windows 10"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.3.1 Safari/605.1.15", "Safari 17.3.1", "MacOs", "SAFARI", "Mac OS X"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0",
     "Firefox 123.0", "Windows 10", "FIREFOX", "Windows 10"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/17.3.1 Mobile/15E148 Safari/604.1", "Mobile Safari 17.3", "Ios", "SAFARI",
     "iOS"),
]
CITIES = [("London", "England", "GB", 51.5072, -0.1276), ("Manchester", "England", "GB", 53.4808,
                                                                       -2.2426),
          ("Leeds", "England", "GB", 53.8008, -1.5491), ("Bristol", "England", "GB", 51.4545,
                                                                       -2.5879),
          ("Dublin", "Dublin", "IE", 53.3498, -6.2603)]
FOREIGN = [("Amsterdam", "North Holland", "NL", 52.3676, 4.9041), ("Frankfurt am Main", "Hesse",
                                                                   "DE", 50.1109, 8.6821),
           ("Bucharest", "Bucuresti", "RO", 44.4268, 26.1025), ("Sao Paulo", "Sao Paulo", "BR",
                                                               -23.5505, -46.6333),
           ("Singapore", "Singapore", "SG", 1.3521, 103.8198), ("Ashburn", "Virginia", "US",
                                                                39.0438, -77.4874)]


# --- small helpers ------------------------------------------------------------------------

def frac(ts, digits):
    v = int((ts - int(ts)) * 10 ** digits)
    return min(max(v, 0), 10 ** digits - 1)


def iso(ts, digits=7, zone="Z", sep="T"):
    t = time.gmtime(int(ts))
    s = "%04d-%02d-%02d%s%02d:%02d:%02d" % (t.tm_year, t.tm_mon, t.tm_mday, sep, t.tm_hour,
                                            t.tm_min, t.tm_sec)
    if digits:
        s += ".%0*d" % (digits, frac(ts, digits))
    return s + zone


def ns_stamp(ts):
    t = time.gmtime(int(ts))
    return "%02d/%02d/%04d:%02d:%02d:%02d" % (t.tm_mon, t.tm_mday, t.tm_year, t.tm_hour, t.tm_min,
                                              t.tm_sec)


def hms(secs):
    secs = int(secs)
    return "%02d:%02d:%02d" % (secs // 3600, secs // 60 % 60, secs % 60)


def guid(rnd):
    h = "%032x" % rnd.getrandbits(128)
    var = "89ab"[int(h[16], 16) % 4]
    return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], var, h[17:20], h[20:])


def xesc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def jdump(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def norm_user(raw):
    """The account key dwell uses: lower case, without DOMAIN\\ or @domain."""
    u = raw.split("\\")[-1]
    if "@" in u:
        u = u[:u.index("@")]
    return u.lower()


def public_ips(rnd, n, firsts, taken=None):
    """n distinct public IPv4 addresses in distinct /16s."""
    taken = taken if taken is not None else set()
    out = []
    while len(out) < n:
        a, b = rnd.choice(firsts), rnd.randrange(1, 255)
        if (a, b) in taken:
            continue
        taken.add((a, b))
        out.append("%d.%d.%d.%d" % (a, b, rnd.randrange(0, 256), rnd.randrange(2, 254)))
    return out


HOME_FIRSTS = (2, 5, 31, 62, 77, 78, 80, 81, 82, 86, 90, 92, 109, 151, 176, 178, 212, 213, 217)
ATTACK_FIRSTS = (23, 37, 45, 46, 51, 89, 91, 93, 94, 103, 104, 138, 139, 141, 146, 159, 161, 164,
                 167, 179, 185, 188, 193, 195)


def alert(kind, sources, users, compromised=()):
    return {"kind": kind, "sources": sorted(set(sources)), "users": sorted(set(users)),
            "compromised": sorted(set(compromised))}


# --- the organisation ---------------------------------------------------------------------

class Person:
    def __init__(self, i, first, last, rnd):
        self.i = i
        self.first, self.last = first, last
        self.display = "%s %s" % (first, last)
        self.sam = (first[0] + last).lower()
        # UPNs as written by the directory: mostly lower case, some capitalised
        upn = "%s.%s" % (first, last)
        self.upn = (upn if rnd.random() < 0.3 else upn.lower()) + "@" + UPN_DOMAIN
        self.rid = 1104 + i * 3
        self.oid = guid(rnd)
        self.browser = rnd.choice(BROWSERS)
        self.city = rnd.choice(CITIES)
        self.ws = "WS-%04d" % (1000 + i * 7)
        self.lan = "10.1.%d.%d" % (10 + i // 200, 20 + i % 200)
        self.home = None
        self.asn = rnd.choice([2856, 5089, 5607, 13285, 6871, 5378])
        self.okta_id = "00u" + "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                                       for _ in range(17))

    @property
    def sid(self):
        return "%s-%d" % (AD_SID, self.rid)


class Acct:
    """An account that is not a person (service accounts)."""

    def __init__(self, sam, sid):
        self.sam, self.sid = sam, sid


class Org:
    def __init__(self, rnd, n_people=150, n_active=48):
        self.rnd = rnd
        combos = [(f, l) for l in LAST for f in FIRST]
        rnd.shuffle(combos)
        self.people = []
        seen = set()
        for f, l in combos:
            if (f[0] + l).lower() in seen:
                continue
            seen.add((f[0] + l).lower())
            self.people.append(Person(len(self.people), f, l, rnd))
            if len(self.people) == n_people:
                break
        self.active = self.people[:n_active]
        self.inactive = self.people[n_active:]
        homes = public_ips(rnd, n_active, HOME_FIRSTS)
        for p, ip in zip(self.active, homes):
            p.home = ip


def plan_background(rnd, people, start, end, per_hour=0.45, typo=0.07, first_within=100 * MIN):
    """(ts, person, typos) sign-ins: everyone in the first 100 minutes, then about
    per_hour an hour each in working hours (06:00-19:00 UTC)."""
    plan = []
    for p in people:
        plan.append((start + rnd.uniform(3 * MIN, first_within), p, typos(rnd, typo)))
        t = start + first_within
        while True:
            t += rnd.expovariate(per_hour / HOUR)
            if t >= end:
                break
            hour = time.gmtime(int(t)).tm_hour
            if 6 <= hour < 19:
                plan.append((t, p, typos(rnd, typo)))
    plan.sort(key=lambda x: (x[0], x[1].i))
    return plan


def typos(rnd, rate):
    if rnd.random() >= rate:
        return 0
    return rnd.choice([1, 1, 1, 2])


# --- the log being written ---------------------------------------------------------------

class Log:
    """Records of one file; each is rendered after sorting (record numbers follow time)."""

    def __init__(self, rnd):
        self.rnd = rnd
        self.recs = []
        self.seq = 0
        self.counters = {}

    def add(self, ts, render):
        self.seq += 1
        self.recs.append((ts, self.seq, render))

    def next_id(self, key, start, step=(1, 1)):
        """Increasing numbers per key (Windows EventRecordID per computer, NetScaler sequence)."""
        if key not in self.counters:
            self.counters[key] = [start, step]
        c = self.counters[key]
        c[0] += self.rnd.randrange(c[1][0], c[1][1] + 1)
        return c[0]

    def write(self, path):
        self.recs.sort(key=lambda r: (r[0], r[1]))
        lines = [render(self, ts) + "\n" for ts, _, render in self.recs]
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.writelines(lines)
        return len(lines)


# --- Windows Security XML -----------------------------------------------------------------

WIN_NS = "http://schemas.microsoft.com/win/2004/08/events/event"
WIN_PROV = ("Microsoft-Windows-Security-Auditing", "{54849625-5478-4994-a5ba-3e3b0328c30d}")
TASKS = {4624: 12544, 4625: 12544, 4740: 13824, 4768: 14339, 4769: 14337, 4771: 14339,
         4776: 14336}
FAIL_KW = "0x8010000000000000"
OK_KW = "0x8020000000000000"


class Win:
    """Renders Windows Security events of one domain in one of two renderings."""

    def __init__(self, rnd, style="wef"):
        self.rnd = rnd
        self.style = style  # "wef" (Windows rendering) or "evtx" (python-evtx)
        self.rid_base = {}
        self.proc = {}

    def hexv(self, v):
        if self.style == "evtx":
            return "0x%016x" % v
        return "0x%x" % v

    def event(self, log, ts, computer, eid, data, version=0, ok=True):
        rnd = self.rnd
        if computer not in self.rid_base:
            self.rid_base[computer] = rnd.randrange(100000, 90000000)
            self.proc[computer] = rnd.choice([568, 612, 676, 704, 768, 780, 812])
        pid = self.proc[computer]
        tid = rnd.randrange(100, 9000) // 4 * 4
        kw = OK_KW if ok else FAIL_KW
        act = guid(rnd)
        style = self.style
        base = self.rid_base[computer]

        def render(lg, t):
            rid = lg.next_id(("win", computer), base, (1, 4))
            if style == "evtx":
                sysp = ('<System><Provider Name="%s" Guid="%s"></Provider><EventID Qualifiers="">%d'
                        '</EventID><Version>%d</Version><Level>0</Level><Task>%d</Task><Opcode>0'
                        '</Opcode><Keywords>%s</Keywords><TimeCreated SystemTime="%s">'
                        '</TimeCreated><EventRecordID>%d</EventRecordID><Correlation ActivityID="" '
                        'RelatedActivityID=""></Correlation><Execution ProcessID="%d" '
                        'ThreadID="%d"></Execution><Channel>Security</Channel><Computer>%s'
                        '</Computer><Security UserID=""></Security></System>'
                        % (WIN_PROV[0], WIN_PROV[1], eid, version, TASKS[eid], kw,
                           iso(t, 6, "+00:00", " "), rid, pid, tid, computer))
            else:
                corr = '<Correlation ActivityID="{%s}" />' % act if eid in (4624, 4625) else \
                    "<Correlation />"
                sysp = ('<System><Provider Name="%s" Guid="%s" /><EventID>%d</EventID><Version>%d'
                        '</Version><Level>0</Level><Task>%d</Task><Opcode>0</Opcode><Keywords>%s'
                        '</Keywords><TimeCreated SystemTime="%s" /><EventRecordID>%d'
                        '</EventRecordID>%s<Execution ProcessID="%d" ThreadID="%d" />'
                        '<Channel>Security</Channel><Computer>%s</Computer><Security /></System>'
                        % (WIN_PROV[0], WIN_PROV[1], eid, version, TASKS[eid], kw, iso(t, 7), rid,
                           corr, pid, tid, computer))
            ed = "".join('<Data Name="%s">%s</Data>' % (k, xesc(str(v))) for k, v in data)
            return '<Event xmlns="%s">%s<EventData>%s</EventData></Event>' % (WIN_NS, sysp, ed)

        log.add(ts, render)

    # one record per event id -------------------------------------------------------------
    def e4625(self, log, ts, computer, user, domain, ip, ws, sub=0xc000006a, ltype=3,
              pkg="NTLM", port=None):
        rnd = self.rnd
        evtx = self.style == "evtx"
        if ltype == 10:
            host = computer.split(".")[0].upper()
            subj = [("SubjectUserSid", "S-1-5-18"), ("SubjectUserName", host + "$"),
                    ("SubjectDomainName", AD_DOMAIN), ("SubjectLogonId", self.hexv(0x3e7))]
            proc = [("ProcessId", self.hexv(rnd.choice([0xc38, 0x1a4c, 0x2f0]))),
                    ("ProcessName", "C:\\Windows\\System32\\winlogon.exe")]
            lproc, pkg = "User32 ", "Negotiate"
        else:
            subj = [("SubjectUserSid", "S-1-0-0"), ("SubjectUserName", "-"),
                    ("SubjectDomainName", "-"), ("SubjectLogonId", self.hexv(0))]
            proc = [("ProcessId", self.hexv(0)), ("ProcessName", "-")]
            lproc = "NtLmSsp " if (evtx or rnd.random() < 0.5) else "NtLmSsp"
        data = subj + [
            ("TargetUserSid", "S-1-0-0"), ("TargetUserName", user), ("TargetDomainName", domain),
            ("Status", "0xc000006d"), ("FailureReason", "%%2313"), ("SubStatus", "0x%08x" % sub),
            ("LogonType", ltype), ("LogonProcessName", lproc),
            ("AuthenticationPackageName", pkg), ("WorkstationName", ws),
            ("TransmittedServices", "-"), ("LmPackageName", "-"), ("KeyLength", 0)] + proc + [
            ("IpAddress", ip), ("IpPort", port if port is not None else rnd.randrange(1025, 65535))]
        self.event(log, ts, computer, 4625, data, 0, ok=False)

    def e4624(self, log, ts, computer, p, ip, ltype=3, pkg="Kerberos", ws="-", user=None,
              domain=AD_DOMAIN, sid=None):
        rnd = self.rnd
        if ltype == 10:
            host = computer.split(".")[0].upper()
            subj = [("SubjectUserSid", "S-1-5-18"), ("SubjectUserName", host + "$"),
                    ("SubjectDomainName", AD_DOMAIN), ("SubjectLogonId", self.hexv(0x3e7))]
            lproc, pkg, lm, kl = "User32 ", "Negotiate", "-", 0
            proc = [("ProcessId", self.hexv(rnd.choice([0xc38, 0x1a4c, 0x2f0]))),
                    ("ProcessName", "C:\\Windows\\System32\\winlogon.exe")]
            ws = host
        else:
            subj = [("SubjectUserSid", "S-1-0-0"), ("SubjectUserName", "-"),
                    ("SubjectDomainName", "-"), ("SubjectLogonId", self.hexv(0))]
            proc = [("ProcessId", self.hexv(0)), ("ProcessName", "-")]
            if pkg == "NTLM":
                lproc, lm, kl = "NtLmSsp ", "NTLM V2", 128
            else:
                lproc, lm, kl = "Kerberos", "-", 0
        lguid = "{00000000-0000-0000-0000-000000000000}" if pkg != "Kerberos" else \
            "{%s}" % guid(rnd)
        data = subj + [
            ("TargetUserSid", sid or p.sid), ("TargetUserName", user or p.sam),
            ("TargetDomainName", domain), ("TargetLogonId", self.hexv(rnd.randrange(0x100000,
                                                                                     0x9ffffff))),
            ("LogonType", ltype), ("LogonProcessName", lproc), ("AuthenticationPackageName", pkg),
            ("WorkstationName", ws), ("LogonGuid", lguid), ("TransmittedServices", "-"),
            ("LmPackageName", lm), ("KeyLength", kl)] + proc + [
            ("IpAddress", ip), ("IpPort", rnd.randrange(49152, 65535) if ip != "-" else "-"),
            ("ImpersonationLevel", "%%1833"), ("RestrictedAdminMode", "-"),
            ("TargetOutboundUserName", "-"), ("TargetOutboundDomainName", "-"),
            ("VirtualAccount", "%%1843"), ("TargetLinkedLogonId", self.hexv(0)),
            ("ElevatedToken", "%%1842" if ltype == 10 else "%%1843")]
        self.event(log, ts, computer, 4624, data, 2, ok=True)

    def kdc_ip(self, ip):
        return ip if self.style == "evtx" else "::ffff:" + ip

    def e4768(self, log, ts, dc, user, sid, ip, status=0, opts=0x40810010):
        rnd = self.rnd
        ok = status == 0
        data = [("TargetUserName", user), ("TargetDomainName", AD_REALM if ok else AD_REALM),
                ("TargetSid", sid if ok else "S-1-0-0"),
                ("ServiceName", "krbtgt" if ok else "krbtgt/" + AD_REALM),
                ("ServiceSid", "%s-502" % AD_SID if ok else "S-1-0-0"),
                ("TicketOptions", "0x%08x" % opts if self.style == "evtx" else "0x%x" % opts),
                ("Status", "0x%08x" % status if self.style == "evtx" else "0x%x" % status),
                ("TicketEncryptionType", ("0x%08x" if self.style == "evtx" else "0x%x")
                 % (0x12 if ok else 0xffffffff)),
                ("PreAuthType", "2" if ok else "-"), ("IpAddress", self.kdc_ip(ip)),
                ("IpPort", rnd.randrange(49152, 65535)), ("CertIssuerName", ""),
                ("CertSerialNumber", ""), ("CertThumbprint", "")]
        self.event(log, ts, dc, 4768, data, 0, ok=ok)

    def e4771(self, log, ts, dc, user, sid, ip, status=0x18, opts=0x40810010):
        rnd = self.rnd
        data = [("TargetUserName", user), ("TargetSid", sid),
                ("ServiceName", "krbtgt/" + AD_REALM),
                ("TicketOptions", "0x%08x" % opts if self.style == "evtx" else "0x%x" % opts),
                ("Status", "0x%08x" % status if self.style == "evtx" else "0x%x" % status),
                ("PreAuthType", "2"), ("IpAddress", self.kdc_ip(ip)),
                ("IpPort", rnd.randrange(49152, 65535)), ("CertIssuerName", ""),
                ("CertSerialNumber", ""), ("CertThumbprint", "")]
        self.event(log, ts, dc, 4771, data, 0, ok=False)

    def e4769(self, log, ts, dc, p, ip, service):
        rnd = self.rnd
        data = [("TargetUserName", "%s@%s" % (p.sam, AD_REALM)), ("TargetDomainName", AD_REALM),
                ("ServiceName", service), ("ServiceSid", "%s-%d" % (AD_SID, 1001 + len(service))),
                ("TicketOptions", "0x40810000"), ("TicketEncryptionType", "0x12"),
                ("IpAddress", self.kdc_ip(ip)), ("IpPort", rnd.randrange(49152, 65535)),
                ("Status", "0x0"), ("LogonGuid", "{%s}" % guid(rnd)),
                ("TransmittedServices", "-")]
        self.event(log, ts, dc, 4769, data, 0, ok=True)

    def e4776(self, log, ts, dc, user, ws, status=0):
        data = [("PackageName", "MICROSOFT_AUTHENTICATION_PACKAGE_V1_0"), ("TargetUserName", user),
                ("Workstation", ws),
                ("Status", "0x%x" % status if self.style != "evtx" else "0x%08x" % status)]
        self.event(log, ts, dc, 4776, data, 0, ok=status == 0)

    def e4740(self, log, ts, dc, user, sid, caller):
        data = [("TargetUserName", user), ("TargetDomainName", caller), ("TargetSid", sid),
                ("SubjectUserSid", "S-1-5-18"), ("SubjectUserName", dc.split(".")[0] + "$"),
                ("SubjectDomainName", AD_DOMAIN), ("SubjectLogonId", self.hexv(0x3e7))]
        self.event(log, ts, dc, 4740, data, 0, ok=True)


DC = "DC01." + AD_FQDN
FS = "FS01." + AD_FQDN
SERVICES = ["cifs/FS01." + AD_FQDN, "HTTP/intranet." + AD_FQDN, "MSSQLSvc/SQL01." + AD_FQDN +
            ":1433", "ldap/DC01." + AD_FQDN]


def win_background(log, win, rnd, org, start, end, ntlm_share=0.3, per_hour=0.45,
                   kerberos_only=()):
    """Workstation logons against the DC (Kerberos: 4768, typo = 4771 0x18 first), the odd
    service ticket, and file-server access (Kerberos 4624, or NTLM: DC 4776 + FS01 4624).
    Everyone's first sign-in of the day maps the NTLM share too, without a typo, so the
    usual sources of every account (its address and, for 4776, its workstation name) are
    seen early - except for the people in kerberos_only, who use Kerberos only."""
    seen = set()
    for ts, p, ty in plan_background(rnd, org.active, start, end, per_hour=per_hour):
        t = ts
        for _ in range(ty):
            win.e4771(log, t, DC, p.sam, p.sid, p.lan)
            t += rnd.uniform(4, 25)
        win.e4768(log, t, DC, p.sam, p.sid, p.lan)
        if rnd.random() < 0.3:
            win.e4769(log, t + rnd.uniform(0.5, 3), DC, p, p.lan, rnd.choice(SERVICES))
        t2 = t + rnd.uniform(20, 900)
        first = p.i not in seen
        if p not in kerberos_only and (first or rnd.random() < ntlm_share):
            seen.add(p.i)
            if not first and rnd.random() < 0.05:
                win_ntlm(log, win, t2, p, FS, p.lan, 0xc000006a)
                t2 += rnd.uniform(6, 30)
            win_ntlm(log, win, t2, p, FS, p.lan)
        else:
            win.e4624(log, t2, FS, p, p.lan, 3, "Kerberos")


def win_ntlm(log, win, t, p, server, ip, status=0):
    """One NTLM logon at a member server: the DC validates it (4776: workstation name only),
    the server logs the logon (4624) or the failure (4625) with the address."""
    win.e4776(log, t, DC, p.sam, p.ws, status)
    if status:
        win.e4625(log, t + win.rnd.uniform(0.005, 0.05), server, p.sam, AD_DOMAIN, ip, p.ws,
                  sub=status)
    else:
        win.e4624(log, t + win.rnd.uniform(0.005, 0.05), server, p, ip, 3, "NTLM", ws=p.ws)


# --- Entra ID sign-ins -----------------------------------------------------------------------

TENANT = "7d3b9d3c-5c1e-4b6a-9f51-1c0f6f3f2a11"
APPS = [("Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000"),
        ("Microsoft Teams", "1fec8e78-bce4-4aaf-ab1b-5451cc387264"),
        ("Office Home", "4765445b-32c6-49b0-83e6-1d93765276ca"),
        ("SharePoint Online Web Client Extensibility", "08e18876-6177-487e-b8b5-cf950c1e598c")]
RESOURCES = {"Office 365 Exchange Online": ("Office 365 Exchange Online",
                                            "00000002-0000-0ff1-ce00-000000000000"),
             "Microsoft Teams": ("Microsoft Teams Services",
                                 "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe"),
             "Office Home": ("Office 365 SharePoint Online",
                             "00000003-0000-0ff1-ce00-000000000000"),
             "SharePoint Online Web Client Extensibility": ("Office 365 SharePoint Online",
                                                            "00000003-0000-0ff1-ce00-000000000000"),
             "Office Application": ("Windows Azure Active Directory",
                                    "00000002-0000-0000-c000-000000000000")}
ENTRA_TEXT = {
    0: None,
    50126: "Error validating credentials due to invalid username or password.",
    50076: "Due to a configuration change made by your administrator, or because you moved to a "
           "new location, you must use multi-factor authentication to access "
           "'00000002-0000-0ff1-ce00-000000000000'.",
    50074: "Strong Authentication is required.",
    50055: "The password is expired.",
    50140: "This error occurred due to 'Keep me signed in' interrupt when the user was signing-in.",
}


class Entra:
    """Sign-ins in the diagnostic-settings envelope ("diag") or as Log Analytics rows ("la")."""

    def __init__(self, rnd, shape="diag"):
        self.rnd = rnd
        self.shape = shape

    def signin(self, log, ts, upn, display, oid, ip, code, city, asn, ua=None, browser=None,
               osname=None, client="Browser", app=None, mfa=None, interactive=True,
               method_detail=None, protocol="none"):
        rnd = self.rnd
        app = app or rnd.choice(APPS)
        res = RESOURCES.get(app[0], RESOURCES["Office Home"])
        corr = guid(rnd)
        rid = guid(rnd)
        text = ENTRA_TEXT.get(code)
        status = {"errorCode": code}
        if text:
            status["failureReason"] = text
        if code == 0 and mfa == "multi":
            status["additionalDetails"] = "MFA requirement satisfied by claim in the token"
        req = "multiFactorAuthentication" if mfa == "multi" else "singleFactorAuthentication"
        stamp = iso(ts, 7, "+00:00")
        steps = []
        if code == 50126:
            steps.append({"authenticationStepDateTime": stamp, "authenticationMethod": "Password",
                          "authenticationMethodDetail": "Password in the cloud", "succeeded": False,
                          "authenticationStepResultDetail": "Invalid username or password or "
                          "Invalid on-premise username or password.",
                          "authenticationStepRequirement": "Primary authentication"})
        elif code == 50055:
            steps.append({"authenticationStepDateTime": stamp, "authenticationMethod": "Password",
                          "authenticationMethodDetail": "Password in the cloud", "succeeded": False,
                          "authenticationStepResultDetail": "User's password is expired",
                          "authenticationStepRequirement": "Primary authentication"})
        else:
            steps.append({"authenticationStepDateTime": stamp, "authenticationMethod": "Password",
                          "authenticationMethodDetail": "Password in the cloud", "succeeded": True,
                          "authenticationStepResultDetail": "Correct password",
                          "authenticationStepRequirement": "Primary authentication"})
            if code in (50074, 50076):
                steps.append({"authenticationStepDateTime": stamp,
                              "authenticationMethod": "Mobile app notification",
                              "succeeded": False,
                              "authenticationStepResultDetail": "MFA required in Azure AD"
                              if code == 50076 else "MFA denied; user did not respond to mobile "
                              "app notification",
                              "authenticationStepRequirement": "Primary authentication"})
            elif code == 0 and mfa == "multi":
                steps.append({"authenticationStepDateTime": stamp,
                              "authenticationMethod": "Previously satisfied", "succeeded": True,
                              "authenticationStepResultDetail": "MFA requirement satisfied by "
                              "claim in the token",
                              "authenticationStepRequirement": "Primary authentication"})
        loc = {"city": city[0], "state": city[1], "countryOrRegion": city[2],
               "geoCoordinates": {"latitude": city[3], "longitude": city[4]}}
        dev = {"deviceId": "", "operatingSystem": osname or "Windows 10",
               "browser": browser or "Chrome 122.0.0"}
        cas = "notApplied" if code in (0, 50126, 50055) and mfa != "multi" else "success"
        if code in (50074, 50076):
            cas = "failure" if code == 50076 else "success"
        g = {"id": rid, "createdDateTime": stamp, "userDisplayName": display,
             "userPrincipalName": upn, "userId": oid, "appId": app[1],
             "appDisplayName": app[0], "ipAddress": ip, "status": status,
             "clientAppUsed": client, "userAgent": ua or BROWSERS[0][0], "deviceDetail": dev,
             "location": loc, "mfaDetail": {}, "correlationId": corr,
             "conditionalAccessStatus": cas, "appliedConditionalAccessPolicies": [],
             "originalRequestId": rid, "isInteractive": interactive, "tokenIssuerName": "",
             "tokenIssuerType": "AzureAD",
             "processingTimeInMilliseconds": rnd.randrange(40, 900), "riskDetail": "none",
             "riskLevelAggregated": "none", "riskLevelDuringSignIn": "none", "riskState": "none",
             "riskEventTypes": [], "riskEventTypes_v2": [], "resourceDisplayName": res[0],
             "resourceId": res[1], "resourceTenantId": TENANT, "homeTenantId": TENANT,
             "authenticationDetails": steps, "authenticationRequirementPolicies": [],
             "authenticationRequirement": req, "servicePrincipalId": "", "userType": "Member",
             "flaggedForReview": False, "isTenantRestricted": False,
             "autonomousSystemNumber": asn, "crossTenantAccessType": "none",
             "privateLinkDetails": {}, "ssoExtensionVersion": "",
             "uniqueTokenIdentifier": "%022x" % rnd.getrandbits(88),
             "incomingTokenType": "none", "authenticationProtocol": protocol}
        if self.shape == "diag":
            rec = {"time": iso(ts, 7), "resourceId": "/tenants/%s/providers/Microsoft.aadiam"
                   % TENANT, "operationName": "Sign-in activity", "operationVersion": "1.0",
                   "category": "SignInLogs" if interactive else "NonInteractiveUserSignInLogs",
                   "tenantId": TENANT, "resultType": str(code), "resultSignature": "None"}
            if text:
                rec["resultDescription"] = text
            rec.update({"durationMs": 0, "callerIpAddress": ip, "correlationId": corr,
                        "identity": display, "Level": 4, "location": city[2], "properties": g})
        else:
            rec = {"TenantId": TENANT, "SourceSystem": "Azure AD",
                   "TimeGenerated": iso(ts, 7),
                   "ResourceId": "/tenants/%s/providers/Microsoft.aadiam" % TENANT,
                   "OperationName": "Sign-in activity", "OperationVersion": "1.0",
                   "Category": "SignInLogs" if interactive else "NonInteractiveUserSignInLogs",
                   "ResultType": str(code), "ResultSignature": "None",
                   "ResultDescription": text or "", "DurationMs": 0, "CorrelationId": corr,
                   "Resource": "Microsoft.aadiam", "ResourceGroup": "Microsoft.aadiam",
                   "ResourceProvider": "Microsoft.aadiam", "Identity": display, "Level": "4",
                   "Location": city[2], "AppDisplayName": app[0], "AppId": app[1],
                   "AuthenticationDetails": jdump(steps),
                   "AuthenticationProcessingDetails": "[]",
                   "AuthenticationProtocol": protocol,
                   "AuthenticationRequirement": req,
                   "AutonomousSystemNumber": asn, "ClientAppUsed": client,
                   "ConditionalAccessStatus": cas, "CreatedDateTime": iso(ts, 7),
                   "CrossTenantAccessType": "none", "DeviceDetail": dev, "HomeTenantId": TENANT,
                   "Id": rid, "IncomingTokenType": "none", "IPAddress": ip,
                   "IsInteractive": interactive, "LocationDetails": loc,
                   "OriginalRequestId": rid, "ResourceDisplayName": res[0],
                   "ResourceIdentity": res[1], "RiskDetail": "none", "RiskLevelAggregated": "none",
                   "RiskLevelDuringSignIn": "none", "RiskState": "none",
                   "Status": status if interactive else jdump(status),
                   "TokenIssuerType": "AzureAD", "UserAgent": ua or BROWSERS[0][0],
                   "UserDisplayName": display, "UserId": oid, "UserPrincipalName": upn,
                   "UserType": "Member",
                   "Type": "SigninLogs" if interactive else "AADNonInteractiveUserSignInLogs"}
        line = jdump(rec)
        log.add(ts, lambda lg, t: line)


def entra_person_ip(p, office, at_office):
    return office if p in at_office else p.home


def entra_background(log, entra, rnd, org, start, end, office, at_office, legacy_users=()):
    """Sign-ins from the usual address (office NAT or home); a mistyped password (50126)
    is followed by a success; now and then a token refresh (non-interactive) too;
    legacy_users read mail with Exchange ActiveSync (a legacy client) as well."""
    for ts, p, ty in plan_background(rnd, org.active, start, end):
        ip = entra_person_ip(p, office, at_office)
        city = CITIES[0] if p in at_office else p.city
        t = ts
        for _ in range(ty):
            entra.signin(log, t, p.upn, p.display, p.oid, ip, 50126, city, p.asn, p.browser[0],
                         p.browser[1], p.browser[2], app=APPS[2])
            t += rnd.uniform(8, 60)
        entra.signin(log, t, p.upn, p.display, p.oid, ip, 0, city, p.asn, p.browser[0],
                     p.browser[1], p.browser[2], app=APPS[2], mfa="multi")
        if rnd.random() < 0.25:
            entra.signin(log, t + rnd.uniform(600, 3000), p.upn, p.display, p.oid, ip, 0, city,
                         p.asn, p.browser[0], p.browser[1], p.browser[2],
                         app=rnd.choice(APPS[:2]), mfa="multi", interactive=False)
        if p in legacy_users and rnd.random() < 0.6:
            entra.signin(log, t + rnd.uniform(60, 900), p.upn, p.display, p.oid, ip, 0, city,
                         p.asn, "Outlook-iOS/2.0", "", "Ios", client="Exchange ActiveSync",
                         app=APPS[0])


# --- Microsoft 365 audit (UserLoggedIn / UserLoginFailed) -------------------------------------

ORG_ID = "3a4b1d2c-0008-406d-bff9-0d5bb312183c"


def o365(log, rnd, ts, upn, ip, ok, ua, request="OAuth2:Authorize", app=None):
    rid = guid(rnd)
    ukey = guid(rnd)
    obj = app or "00000003-0000-0ff1-ce00-000000000000"
    props = [{"Name": "ResultStatusDetail", "Value": "Success" if ok else "UserError"},
             {"Name": "UserAgent", "Value": ua},
             {"Name": "UserAuthenticationMethod", "Value": "1"},
             {"Name": "RequestType", "Value": request}]
    dev = [{"Name": "BrowserType", "Value": "Other" if "python" in ua else "Chrome"},
           {"Name": "IsCompliantAndManaged", "Value": "False"}]
    if ok:
        dev.append({"Name": "SessionId", "Value": guid(rnd)})
    rec = {"CreationTime": iso(ts, 0, ""), "Id": rid,
           "Operation": "UserLoggedIn" if ok else "UserLoginFailed", "OrganizationId": ORG_ID,
           "RecordType": 15, "ResultStatus": "Success" if ok else "Failed", "UserKey": ukey,
           "UserType": 0, "Version": 1, "Workload": "AzureActiveDirectory", "ClientIP": ip,
           "ObjectId": obj, "UserId": upn, "AzureActiveDirectoryEventType": 1,
           "ExtendedProperties": props, "ModifiedProperties": [],
           "Actor": [{"ID": ukey, "Type": 0}, {"ID": upn, "Type": 5}],
           "ActorContextId": ORG_ID, "ActorIpAddress": ip, "InterSystemsId": guid(rnd),
           "IntraSystemId": rid, "SupportTicketId": "", "Target": [{"ID": obj, "Type": 0}],
           "TargetContextId": ORG_ID, "ApplicationId": "1b730954-1685-4b74-9bfd-dac224a7b894"
           if "python" in ua else "4765445b-32c6-49b0-83e6-1d93765276ca",
           "DeviceProperties": dev, "ErrorNumber": "0" if ok else "50126"}
    if not ok:
        rec["LogonError"] = "InvalidUserNameOrPassword"
    # the UAL escapes '/' as '\/'
    line = jdump(rec).replace("/", "\\/")
    log.add(ts, lambda lg, t: line)


# --- Okta System Log ------------------------------------------------------------------------

OKTA_DISPLAY = {
    "user.session.start": "User login to Okta",
    "user.authentication.verify": "Verify user identity",
    "user.authentication.auth_via_mfa": "Authentication of user via MFA",
    "system.push.send_factor_verify_push": "Push notification sent for verify",
    "user.mfa.okta_verify.deny_push": "User rejected Okta push verify",
}
OKTA_LEGACY = {
    ("user.session.start", "SUCCESS"): "core.user_auth.login_success",
    ("user.session.start", "FAILURE"): "core.user_auth.login_failed",
    ("user.authentication.auth_via_mfa", "SUCCESS"): "core.user.factor.attempt_success",
    ("user.mfa.okta_verify.deny_push", "FAILURE"): "core.user.factor.attempt_fail",
}


class Okta:
    def __init__(self, rnd):
        self.rnd = rnd

    def event(self, log, ts, etype, result, login, display, uid, ip, ua, city, asn, session,
              reason=None, factor=None, cred=None, isp="bt public internet service"):
        rnd = self.rnd
        req = "%027x" % rnd.getrandbits(108)
        geo = {"city": city[0], "country": {"GB": "United Kingdom", "IE": "Ireland",
                                            "NL": "Netherlands", "DE": "Germany",
                                            "RO": "Romania", "BR": "Brazil", "SG": "Singapore",
                                            "US": "United States"}[city[2]],
               "geolocation": {"lat": city[3], "lon": city[4]}, "postalCode": None,
               "state": city[1]}
        dbg = {"requestId": req, "requestUri": "/idp/idx/authenticators/poll"
               if factor else "/idp/idx/identify", "threatSuspected": "false",
               "url": ("/idp/idx/authenticators/poll?" if factor else "/idp/idx/identify?")}
        if factor:
            dbg["factor"] = factor
        if etype in ("user.session.start", "user.authentication.verify"):
            dbg["behaviors"] = ("{New Geo-Location=NEGATIVE, New Device=NEGATIVE, New IP=NEGATIVE, "
                                "New State=NEGATIVE, New Country=NEGATIVE, Velocity=NEGATIVE, "
                                "New City=NEGATIVE}")
            dbg["dtHash"] = "%064x" % rnd.getrandbits(256)
        ua_os = "Windows 10" if "Windows" in ua else ("Mac OS X" if "Mac" in ua else "Unknown")
        ua_br = "CHROME" if "Chrome" in ua else ("FIREFOX" if "Firefox" in ua else "UNKNOWN")
        rec = {"actor": {"alternateId": login, "detailEntry": None, "displayName": display,
                         "id": uid, "type": "User"},
               "authenticationContext": {"authenticationProvider": "FACTOR_PROVIDER" if factor
                                         else None, "authenticationStep": 0,
                                         "credentialProvider": "OKTA_CREDENTIAL_PROVIDER"
                                         if factor else None, "credentialType": cred,
                                         "externalSessionId": session, "interface": None,
                                         "issuer": None},
               "client": {"device": "Computer", "geographicalContext": geo, "id": None,
                          "ipAddress": ip, "userAgent": {"browser": ua_br, "os": ua_os,
                                                         "rawUserAgent": ua},
                          "zone": "null"},
               "debugContext": {"debugData": dbg}, "device": None,
               "displayMessage": OKTA_DISPLAY[etype], "eventType": etype,
               "legacyEventType": OKTA_LEGACY.get((etype, result)),
               "outcome": {"reason": reason, "result": result},
               "published": iso(ts, 3),
               "request": {"ipChain": [{"geographicalContext": geo, "ip": ip, "source": None,
                                        "version": "V4"}]},
               "securityContext": {"asNumber": asn, "asOrg": isp, "domain": None,
                                   "isProxy": False, "isp": isp},
               "severity": "WARN" if result == "FAILURE" else "INFO",
               "target": [{"alternateId": login, "detailEntry": None, "displayName": display,
                           "id": uid, "type": "User"}] if factor or etype.startswith("user.mfa")
               else None,
               "transaction": {"detail": {}, "id": req, "type": "WEB"},
               "uuid": guid(rnd), "version": "0"}
        line = jdump(rec)
        log.add(ts, lambda lg, t: line)


def okta_login(okta, log, rnd, t, login, display, uid, ip, ua, city, asn, denials=0,
               deny_gap=(25, 60), typos_n=0):
    """Password (typos first: session.start FAILURE INVALID_CREDENTIALS), then Okta Verify
    pushes (denials rejected, the last one accepted), auth_via_mfa and session.start."""
    chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
    sess = "102" + "".join(rnd.choice(chars) for _ in range(22))
    for _ in range(typos_n):
        okta.event(log, t, "user.session.start", "FAILURE", login, display, uid, ip, ua, city,
                   asn, sess, reason="INVALID_CREDENTIALS", cred="PASSWORD")
        t += rnd.uniform(6, 40)
    okta.event(log, t, "user.authentication.verify", "SUCCESS", login, display, uid, ip, ua, city,
               asn, sess, cred="PASSWORD")
    t += rnd.uniform(0.5, 2)
    for _ in range(denials):
        okta.event(log, t, "system.push.send_factor_verify_push", "SUCCESS", login, display, uid,
                   ip, ua, city, asn, sess, factor="OKTA_VERIFY_PUSH")
        t += rnd.uniform(3, 12)
        okta.event(log, t, "user.mfa.okta_verify.deny_push", "FAILURE", login, display, uid, ip,
                   ua, city, asn, sess, factor="OKTA_VERIFY_PUSH")
        t += rnd.uniform(*deny_gap)
    okta.event(log, t, "system.push.send_factor_verify_push", "SUCCESS", login, display, uid, ip,
               ua, city, asn, sess, factor="OKTA_VERIFY_PUSH")
    t += rnd.uniform(3, 15)
    okta.event(log, t, "user.authentication.auth_via_mfa", "SUCCESS", login, display, uid, ip, ua,
               city, asn, sess, factor="OKTA_VERIFY_PUSH")
    t += rnd.uniform(0.2, 1.5)
    okta.event(log, t, "user.session.start", "SUCCESS", login, display, uid, ip, ua, city, asn,
               sess, cred="PASSWORD")
    return t


# --- NetScaler -----------------------------------------------------------------------------

NS_HOST = "ns-gw01"
NS_VSERVER = "198.18.7.10:443"


class NetScaler:
    def __init__(self, rnd):
        self.rnd = rnd
        self.session = rnd.randrange(40000, 90000)
        self.seq_base = rnd.randrange(100000, 900000) * 100

    def line(self, log, ts, pri, feature, event, body):
        base = self.seq_base

        def render(lg, t):
            seq = lg.next_id("ns", base, (1, 9))
            return "<%d> %s GMT %s 0-PPE-0 : default %s %s %d 0 : %s" % (
                pri, ns_stamp(t), NS_HOST, feature, event, seq, body)
        log.add(ts, render)

    def failed(self, log, ts, user, ip, browser):
        self.line(log, ts, 132, "AAA", "LOGIN_FAILED", " User %s - Client_ip %s - Failure_reason "
                  "\"Username/Password mismatch\" - Browser %s" % (user, ip, browser))

    def aaatm_login(self, log, ts, user, ip, browser):
        self.line(log, ts, 135, "AAATM", "LOGIN", " User %s - Client_ip %s - Nat_ip \"Mapped Ip\" "
                  "- Vserver %s - Browser_type \"%s\" - Group(s) \"VPN_Users\""
                  % (user, ip, NS_VSERVER, browser))

    def vpn(self, log, ts, user, ip, browser, nat_ip, length, recv, send, method="Logout"):
        """SSLVPN LOGIN at ts, LOGOUT after length seconds, with its counters."""
        self.session += self.rnd.randrange(1, 40)
        sid = self.session
        ctx = "Context %s@%s - SessionId: %d - User %s - Client_ip %s - Nat_ip %s - Vserver %s" % (
            user, ip, sid, user, ip, nat_ip, NS_VSERVER)
        self.line(log, ts, 135, "SSLVPN", "LOGIN", ctx + " - Browser_type \"%s\" - "
                  "SSLVPN_client_type Agent - Group(s) \"VPN_Users\"" % browser)
        end = ts + length
        tcp = self.rnd.randrange(20, 400)
        self.line(log, end, 134, "SSLVPN", "LOGOUT", ctx + " - Start_time \"%s \" - End_time "
                  "\"%s \" - Duration %s  - Http_resources_accessed %d - NonHttp_services_accessed "
                  "0 - Total_TCP_connections %d - Total_UDP_flows %d - Total_policies_allowed %d - "
                  "Total_policies_denied 0 - Total_bytes_send %d - Total_bytes_recv %d - "
                  "Total_compressedbytes_send 0 - Total_compressedbytes_recv 0 - "
                  "Compression_ratio_send 0.00%% - Compression_ratio_recv 0.00%% - LogoutMethod "
                  "\"%s\" - Group(s) \"VPN_Users\""
                  % (ns_stamp(ts), ns_stamp(end), hms(length), self.rnd.randrange(0, 40), tcp,
                     self.rnd.randrange(0, 30), tcp, send, recv, method))


def ns_background(log, ns, rnd, org, start, end):
    """VPN sessions from home: a mistyped password first now and then; nFactor (AAATM LOGIN)
    then the SSLVPN session with its LOGOUT counters."""
    for ts, p, ty in plan_background(rnd, org.active, start, end, per_hour=0.25):
        t = ts
        for _ in range(ty):
            ns.failed(log, t, p.sam, p.home, p.browser[0])
            t += rnd.uniform(6, 40)
        ns.aaatm_login(log, t, p.sam, p.home, p.browser[0])
        length = rnd.uniform(10 * MIN, 3 * HOUR)
        ns.vpn(log, t + rnd.uniform(1, 4), p.sam, p.home, "CitrixReceiver/23.11 (Windows)",
               "10.200.%d.%d" % (p.i // 200, 10 + p.i % 200), length,
               recv=int(length * rnd.uniform(2e3, 6e4)), send=int(length * rnd.uniform(2e2, 6e3)),
               method=rnd.choice(["Logout", "Logout", "TimedOut"]))


# --- scenarios ------------------------------------------------------------------------------

SCENARIOS = {}


def scenario(name, doc):
    def reg(fn):
        SCENARIOS[name] = (fn, doc)
        return fn
    return reg


@scenario("kerberos-spray-dc", "kerbrute-style Kerberos spray at the DC from one internal "
          "address: 30 accounts x 2 passwords (4771 0x18, 4768 0x6 for names that do not exist); "
          "the second password gets a TGT (4768 0x0) for one account")
def s_kerberos_spray(rnd):
    log, win, org = Log(rnd), Win(rnd), Org(rnd)
    end = T0 + 5 * HOUR
    win_background(log, win, rnd, org, T0, end)
    ip = "10.1.%d.%d" % (rnd.randrange(60, 90), rnd.randrange(20, 220))  # a foothold host
    real = rnd.sample(org.people, 26)
    ghosts = ["svc_test", "admin2", "j.doe", "backup_old"]
    targets = [(p.sam, p.sid) for p in real] + [(g, None) for g in ghosts]
    rnd.shuffle(targets)
    victim = rnd.choice([u for u, s in targets[10:] if s])
    t = T0 + 2 * HOUR + rnd.uniform(5, 25) * MIN
    for rnd_no in range(2):
        for u, sid in targets:
            if sid is None:
                win.e4768(log, t, DC, u, None, ip, status=0x6, opts=0x10)
            elif rnd_no == 1 and u == victim:
                win.e4768(log, t, DC, u, sid, ip, status=0, opts=0x10)
            else:
                win.e4771(log, t, DC, u, sid, ip, opts=0x10)
            t += rnd.uniform(1.5, 6)
        t += rnd.uniform(35, 50) * MIN
    users = [norm_user(u) for u, _ in targets]
    return log, [alert("password_spray", [ip], users, [victim]),
                 alert("account_compromise", [ip], [victim], [victim])]


@scenario("ntlm-spray", "NTLM spray from one public address at a member server: 25 accounts, "
          "4625 on FS01 plus the DC's 4776 (workstation name only) for every attempt; later "
          "four sprayed users map the share over NTLM from their own workstations for the "
          "first time that day (not compromised)")
def s_ntlm_spray(rnd):
    log, win, org = Log(rnd), Win(rnd), Org(rnd)
    end = T0 + 5 * HOUR
    late = set(rnd.sample(org.active, 4))
    win_background(log, win, rnd, org, T0, end, ntlm_share=0.5, kerberos_only=late)
    ip = public_ips(rnd, 1, ATTACK_FIRSTS)[0]
    ws = rnd.choice(["KALI", "WIN-%07X" % rnd.getrandbits(28),
                     "DESKTOP-%07X" % rnd.getrandbits(28)])
    real = list(late) + rnd.sample([p for p in org.people if p not in late], 19)
    targets = [(p.sam, 0xc000006a) for p in real] + [("administrator2", 0xc0000064),
                                                     ("scanner", 0xc0000064)]
    rnd.shuffle(targets)
    t = T0 + 2 * HOUR + rnd.uniform(10, 40) * MIN
    for u, st in targets:
        win.e4776(log, t, DC, u, ws, st)
        win.e4625(log, t + rnd.uniform(0.004, 0.6), FS, u, AD_DOMAIN, ip, ws, sub=st, port=0)
        t += rnd.uniform(8, 40)
    for p in sorted(late, key=lambda x: x.i):
        win_ntlm(log, win, t + rnd.uniform(20, 100) * MIN, p, FS, p.lan)
    return log, [alert("password_spray", [ip], [norm_user(u) for u, _ in targets])]


@scenario("rdp-brute", "RDP brute force (4625 LogonType 10, python-evtx rendering) from one "
          "public address against Administrator: about 200 tries in 20 minutes")
def s_rdp_brute(rnd):
    log, win, org = Log(rnd), Win(rnd, style="evtx"), Org(rnd)
    rds = "RDS01." + AD_FQDN
    end = T0 + 5 * HOUR
    # remote desktop users of the session host (LogonType 10), typos in the same shape
    for ts, p, ty in plan_background(rnd, org.active, T0, end, per_hour=0.3):
        t = ts
        for _ in range(ty):
            win.e4625(log, t, rds, p.sam, AD_DOMAIN, p.lan, "RDS01", ltype=10)
            t += rnd.uniform(5, 30)
        win.e4624(log, t, rds, p, p.lan, 10)
    ip = public_ips(rnd, 1, ATTACK_FIRSTS)[0]
    n = rnd.randrange(190, 215)
    t = T0 + 2 * HOUR + rnd.uniform(10, 50) * MIN
    span = rnd.uniform(18, 22) * MIN
    for k in range(n):
        win.e4625(log, t + k * span / n + rnd.uniform(0, 2), rds, "Administrator", "RDS01", ip,
                  "RDS01", ltype=10)
    return log, [alert("brute_force", [ip], ["administrator"])]


def entra_spray(rnd, shape):
    log, entra, org = Log(rnd), Entra(rnd, shape), Org(rnd)
    end = T0 + 6 * HOUR
    office = public_ips(rnd, 1, (194,))[0]
    at_office = set(rnd.sample(org.active, 20))
    legacy = set(rnd.sample([p for p in org.active if p not in at_office], 3))
    entra_background(log, entra, rnd, org, T0, end, office, at_office, legacy)
    # the campaign: 40 addresses, one user agent, 60 accounts, two passwords
    ips = public_ips(rnd, 40, ATTACK_FIRSTS)
    ua = rnd.choice(BROWSERS[:2])[0]
    pool = [p for p in org.people if p not in legacy]
    accounts = rnd.sample(pool, 60)
    validated = accounts[5:8]
    imap = accounts[20]
    # round 1 over the modern endpoint: every account once; 20 addresses take two
    per_ip = [1] * 40
    for i in rnd.sample(range(40), 20):
        per_ip[i] = 2
    slots = [ip for ip, k in zip(ips, per_ip) for _ in range(k)]
    rnd.shuffle(slots)
    used = {ip: k for ip, k in zip(ips, per_ip)}
    t0 = T0 + 2 * HOUR + rnd.uniform(5, 20) * MIN
    span1 = rnd.uniform(60, 75) * MIN
    order = accounts[:]
    rnd.shuffle(order)
    truth_val = []
    for j, (p, ip) in enumerate(zip(order, slots)):
        ts = t0 + j * span1 / len(order) + rnd.uniform(0, 30)
        city = rnd.choice(FOREIGN)
        if p in validated:
            code = 50076 if validated.index(p) != 1 else 50074
            entra.signin(log, ts, p.upn, p.display, p.oid, ip, code, city, 14061, ua,
                         "Chrome 122.0.0", "Windows10", app=APPS[2], mfa="multi")
            truth_val.append(alert("password_validated", [ip], [norm_user(p.upn)]))
        else:
            entra.signin(log, ts, p.upn, p.display, p.oid, ip, 50126, city, 14061, ua,
                         "Chrome 122.0.0", "Windows10", app=APPS[2])
    # round 2, 40 minutes later, over IMAP4 (legacy: no MFA): 16 accounts, one gets in
    second = [p for p in order if p not in validated and p is not imap][:15] + [imap]
    rnd.shuffle(second)
    spare = [ip for ip in ips if used[ip] < 3]
    t1 = t0 + span1 + rnd.uniform(35, 45) * MIN
    truth_legacy = []
    for j, p in enumerate(second):
        ip = spare[(j * 7) % len(spare)]
        while used[ip] >= 3:
            ip = spare[(spare.index(ip) + 1) % len(spare)]
        used[ip] += 1
        ts = t1 + j * rnd.uniform(60, 120)
        city = rnd.choice(FOREIGN)
        if p is imap:
            entra.signin(log, ts, p.upn, p.display, p.oid, ip, 0, city, 14061, ua, "", "",
                         client="IMAP4", app=APPS[0], mfa="single")
            truth_legacy.append(alert("legacy_auth_success", [ip], [norm_user(p.upn)],
                                      [norm_user(p.upn)]))
        else:
            entra.signin(log, ts, p.upn, p.display, p.oid, ip, 50126, city, 14061, ua, "", "",
                         client="IMAP4", app=APPS[0])
    users = [norm_user(p.upn) for p in accounts]
    truth = [alert("distributed_spray", ips, users, [norm_user(imap.upn)])]
    return log, truth + truth_val + truth_legacy


@scenario("entra-distributed-spray", "Entra (diagnostic-settings envelope): 40 addresses, one "
          "user agent, 60 accounts, 50126 mostly; 3 accounts answer 50076/50074 (password right, "
          "MFA stopped it); a second pass over IMAP4 gets one account in single-factor")
def s_entra_spray(rnd):
    return entra_spray(rnd, "diag")


@scenario("entra-distributed-spray-la", "the same campaign as entra-distributed-spray, as Log "
          "Analytics SigninLogs / AADNonInteractiveUserSignInLogs rows")
def s_entra_spray_la(rnd):
    return entra_spray(rnd, "la")


@scenario("okta-mfa-fatigue", "Okta: the password of one account works from a foreign address, "
          "8 Okta Verify pushes denied in 6 minutes, the 9th accepted; trap: a user who denies "
          "2 pushes at home and then accepts")
def s_okta_fatigue(rnd):
    log, okta, org = Log(rnd), Okta(rnd), Org(rnd)
    end = T0 + 5 * HOUR
    for ts, p, ty in plan_background(rnd, org.active, T0, end, per_hour=0.3):
        okta_login(okta, log, rnd, ts, p.upn, p.display, p.okta_id, p.home, p.browser[0],
                   p.city, p.asn, typos_n=ty)
    victim, trap = rnd.sample(org.active, 2)
    ip = public_ips(rnd, 1, ATTACK_FIRSTS)[0]
    t = T0 + 2 * HOUR + rnd.uniform(20, 60) * MIN
    ua = BROWSERS[0][0]
    okta_login(okta, log, rnd, t, victim.upn, victim.display, victim.okta_id, ip, ua,
               rnd.choice(FOREIGN), 9009, denials=8, deny_gap=(25, 33))
    t2 = T0 + 3 * HOUR + rnd.uniform(0, 60) * MIN
    okta_login(okta, log, rnd, t2, trap.upn, trap.display, trap.okta_id, trap.home,
               trap.browser[0], trap.city, trap.asn, denials=2)
    v = norm_user(victim.upn)
    return log, [alert("mfa_fatigue", [ip], [v], [v])]


@scenario("netscaler-spray-vpn", "NetScaler gateway: python-requests sprays 20 accounts x 2 "
          "passwords from one address (AAA LOGIN_FAILED); the second password works for one "
          "account (AAATM LOGIN), which then opens an SSL VPN session and leaves 50 min later; "
          "later still the account's owner connects from home as usual (not new access)")
def s_netscaler(rnd):
    log, ns, org = Log(rnd), NetScaler(rnd), Org(rnd)
    end = T0 + 6 * HOUR
    ns_background(log, ns, rnd, org, T0, end)
    ip = public_ips(rnd, 1, ATTACK_FIRSTS)[0]
    ua = "python-requests/2.31.0"
    victim = rnd.choice(org.active)
    accounts = rnd.sample([p for p in org.people if p is not victim], 19)
    accounts.insert(rnd.randrange(8, 18), victim)
    t = T0 + 2 * HOUR + rnd.uniform(10, 40) * MIN
    for p in accounts:
        ns.failed(log, t, p.sam, ip, ua)
        t += rnd.uniform(3, 12)
    t += rnd.uniform(20, 30) * MIN
    for p in accounts:
        if p is victim:
            ns.aaatm_login(log, t, p.sam, ip, ua)
            t += rnd.uniform(120, 300)
            length = rnd.uniform(45, 55) * MIN
            ns.vpn(log, t, p.sam, ip, "CitrixReceiver/23.11 (Windows)", "10.200.9.%d"
                   % rnd.randrange(10, 250), length, recv=rnd.randrange(80, 400) * 10 ** 6,
                   send=rnd.randrange(2, 20) * 10 ** 6)
            t += length
            break
        ns.failed(log, t, p.sam, ip, ua)
        t += rnd.uniform(3, 12)
    # the owner, unaware, starts work from home as every day
    t += rnd.uniform(30, 80) * MIN
    ns.aaatm_login(log, t, victim.sam, victim.home, victim.browser[0])
    length = rnd.uniform(30, 90) * MIN
    ns.vpn(log, t + rnd.uniform(1, 4), victim.sam, victim.home, "CitrixReceiver/23.11 (Windows)",
           "10.200.%d.%d" % (victim.i // 200, 10 + victim.i % 200), length,
           recv=int(length * rnd.uniform(2e3, 6e4)), send=int(length * rnd.uniform(2e2, 6e3)))
    v = victim.sam
    return log, [alert("password_spray", [ip], [p.sam for p in accounts], [v]),
                 alert("account_compromise", [ip], [v], [v]),
                 alert("new_access", [ip], [v])]


@scenario("lockout-storm", "15 accounts locked out (4740) within 20 minutes; the caller "
          "computers are the mail server and the AD FS server")
def s_lockout(rnd):
    log, win, org = Log(rnd), Win(rnd), Org(rnd)
    end = T0 + 5 * HOUR
    win_background(log, win, rnd, org, T0, end)
    callers = ["EXCH01", "ADFS01"]
    locked = rnd.sample(org.people, 15)
    t = T0 + 2 * HOUR + rnd.uniform(20, 80) * MIN
    span = rnd.uniform(14, 19) * MIN
    for k, p in enumerate(locked):
        win.e4740(log, t + k * span / 15 + rnd.uniform(0, 20), DC, p.sam, p.sid,
                  callers[0] if k % 3 else callers[1])
    # dwell prints a source without an address (a caller computer) in lower case
    return log, [alert("lockout_storm", [c.lower() for c in callers], [p.sam for p in locked])]


@scenario("trap-expiry-day", "Entra (Log Analytics rows): 40 passwords expire overnight; each "
          "user gets 50055 from the usual address during the morning, changes it and signs in")
def s_expiry(rnd):
    log, entra, org = Log(rnd), Entra(rnd, "la"), Org(rnd)
    end = T0 + 7 * HOUR
    office = public_ips(rnd, 1, (194,))[0]
    at_office = set(rnd.sample(org.active, 16))
    entra_background(log, entra, rnd, org, T0, end, office, at_office)
    for p in rnd.sample(org.active, 40):
        ip = entra_person_ip(p, office, at_office)
        city = CITIES[0] if p in at_office else p.city
        t = T0 + 2 * HOUR + rnd.uniform(0, 2.5 * HOUR)
        entra.signin(log, t, p.upn, p.display, p.oid, ip, 50055, city, p.asn, p.browser[0],
                     p.browser[1], p.browser[2], app=APPS[2])
        t += rnd.uniform(45, 240)
        entra.signin(log, t, p.upn, p.display, p.oid, ip, 0, city, p.asn, p.browser[0],
                     p.browser[1], p.browser[2], app=APPS[2], mfa="multi")
    return log, []


@scenario("trap-office-nat", "Entra (Log Analytics rows): 30 users behind one office NAT "
          "address all day, now and then a wrong password (50126) followed by a success")
def s_office_nat(rnd):
    log, entra, org = Log(rnd), Entra(rnd, "la"), Org(rnd)
    end = T0 + 10 * HOUR
    office = public_ips(rnd, 1, (194,))[0]
    at_office = set(org.active[:30])
    entra_background(log, entra, rnd, org, T0, end, office, at_office)
    # the office's busy hours: extra sign-ins, 20 % of them after a typo
    for p in org.active[:30]:
        for _ in range(rnd.choice([1, 2, 2, 3])):
            t = T0 + 2 * HOUR + rnd.uniform(0, 7 * HOUR)
            for _ in range(1 if rnd.random() < 0.2 else 0):
                entra.signin(log, t, p.upn, p.display, p.oid, office, 50126, CITIES[0], 5089,
                             p.browser[0], p.browser[1], p.browser[2], app=APPS[2])
                t += rnd.uniform(8, 50)
            entra.signin(log, t, p.upn, p.display, p.oid, office, 0, CITIES[0], 5089,
                         p.browser[0], p.browser[1], p.browser[2], app=rnd.choice(APPS),
                         mfa="multi")
    return log, []


@scenario("trap-stale-service", "a backup job with an old password: svc_backup fails (4625 "
          "0xc000006a on FS01 + 4776 on the DC) every 5 minutes for a day from its host")
def s_stale(rnd):
    log, win, org = Log(rnd), Win(rnd), Org(rnd)
    end = T0 + 27 * HOUR
    win_background(log, win, rnd, org, T0, end, per_hour=0.2)
    ip, host = "10.0.3.7", "BKP01"
    user = "svc_backup"
    svc = Acct(user, "%s-%d" % (AD_SID, 1650))
    # the job ran fine last night
    t = T0 + rnd.uniform(2, 10) * MIN
    win.e4776(log, t, DC, user, host, 0)
    win.e4624(log, t + 0.02, FS, svc, ip, 3, "NTLM", ws=host)
    t = T0 + 1 * HOUR + rnd.uniform(0, 5) * MIN
    while t < T0 + 26 * HOUR:
        win.e4776(log, t, DC, user, host, 0xc000006a)
        win.e4625(log, t + rnd.uniform(0.004, 0.05), FS, user, AD_DOMAIN, ip, host)
        t += 5 * MIN + rnd.uniform(-2, 2)
    return log, [alert("stale_credentials", [ip], [user])]


@scenario("o365-msolspray", "Microsoft 365 audit: MSOLSpray from one IPv6 address, 14 accounts "
          "once each in a few seconds (UserLoginFailed 50126), one UserLoggedIn in the middle")
def s_msolspray(rnd):
    log, org = Log(rnd), Org(rnd)
    end = T0 + 5 * HOUR
    office = public_ips(rnd, 1, (194,))[0]
    at_office = set(rnd.sample(org.active, 20))
    for ts, p, ty in plan_background(rnd, org.active, T0, end):
        ip = office if p in at_office else p.home
        t = ts
        for _ in range(ty):
            o365(log, rnd, t, p.upn, ip, False, p.browser[0])
            t += rnd.uniform(8, 60)
        o365(log, rnd, t, p.upn, ip, True, p.browser[0])
    net = ipaddress.IPv6Address("2a09:bac5:%x:%x::" % (rnd.randrange(0x100, 0xfff),
                                                       rnd.randrange(0x100, 0xfff)))
    ip = str(ipaddress.IPv6Address(int(net) + rnd.randrange(0x10000, 0xffffff)))
    accounts = rnd.sample(org.people, 14)
    victim = accounts[rnd.randrange(4, 10)]
    t = T0 + 2 * HOUR + rnd.uniform(10, 50) * MIN
    for p in accounts:
        ok = p is victim
        o365(log, rnd, t, p.upn, ip, ok, "python-requests/2.28.2", "OAuth2:Token",
             "00000002-0000-0000-c000-000000000000")
        t += rnd.uniform(0.1, 0.9)
    v = norm_user(victim.upn)
    return log, [alert("password_spray", [ip], [norm_user(p.upn) for p in accounts], [v]),
                 alert("account_compromise", [ip], [v], [v])]


def main():
    return scenario_io.main(__doc__, SCENARIOS, 28)

if __name__ == "__main__":
    sys.exit(main())
