#!/usr/bin/env python3
"""gen_chain.py - labelled multi-log incident scenarios (issue 6: incidents).

Each scenario is a small organisation's logs over days or weeks, written as
several files in the formats dwell reads (the record shapes of
gen_identity.py and gen_sshd.py, which it imports), plus a truth file that
describes the incidents a correct `dwell scan --incidents` must give:

  citrix-chain    four weeks of Entra ID sign-ins (diagnostic-settings
                  envelope), NetScaler Gateway syslog and the file servers'
                  Security log (WEF XML): a distributed password spray over
                  three nights from a pool of proxy addresses against a few
                  hundred accounts (Entra 50126/50034 and AAA LOGIN_FAILED,
                  each address at most two guesses an hour), one password
                  proved right but stopped by MFA (Entra 50076), then ONE
                  success (AAATM LOGIN) for one sprayed account from a spray
                  address; the same morning, and then every few days for
                  three weeks from two hosting addresses, SSL VPN sessions
                  of that account, share accesses (5140) to shares the
                  account never used, and a slow upload out (the LOGOUT
                  records' Total_bytes_recv). The sprayed users keep signing
                  in as usual (office NAT, home, VPN) every morning.
                  Truth: exactly one incident, intrusion; accounts_to_reset
                  the compromised account and the validated one;
                  dwell_seconds = last attacker activity - the success.
  two-attacks     an sshd brute force against two servers' auth.log (RFC
                  3339 headers) on one day, and an Okta distributed spray
                  from other addresses against other users two days later,
                  over ordinary traffic. Truth: two incidents, attack.
  benign          five days of ordinary traffic: an office NAT with many
                  users mistyping then signing in (Entra), VPN users from
                  home with typos (NetScaler), users' daily share access,
                  a backup service with a stale password failing every five
                  minutes (4776 + 4625), an admin jump host into 30 accounts
                  with the odd typo (sshd). Truth: no incident (the
                  stale_credentials alert must be there and link nothing).

  gen_chain.py --list
  gen_chain.py --scenario NAME --out DIR [--seed N]   DIR/<logs> + DIR.truth.json
  gen_chain.py --check TRUTH INCIDENTS ALERTS [--tag TAG]
                  compares `dwell scan --incidents` output with the truth;
                  prints "ok chain-TAG ..." or "not ok chain-TAG: why"

Truth (DIR.truth.json, beside DIR so that `dwell scan DIR` reads logs only):
{"scenario", "doc", "seed", "files": {name: lines},
"count": N, "incidents": [...], "benign_users": [...], "benign_sources":
[...], "alerts_required": [...]}. Each incident: "status", "compromised",
"password_validated", "accounts_to_reset" ([{"user","reason"}]) and
"dwell_seconds" exactly; "sources_required" / "sources_allowed" (subset),
"targeted_allowed" (subset) and "min_targeted", "destinations_required" /
"destinations_forbidden", "bytes_out" (exact, or null: not checked).
User names as dwell keys them (lower case, no DOMAIN\\ or @domain).
Every time the truth depends on is a whole second, so dwell_seconds is
exact. Same arguments, same bytes. Python 3 standard library only.
"""

import argparse
import calendar
import json
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_identity as gi  # noqa: E402
import gen_sshd as gs  # noqa: E402

DAY, HOUR, MIN = 86400, 3600, 60
# The chain starts on Monday 2024-10-07 00:00:00 UTC.
T0 = calendar.timegm((2024, 10, 7, 0, 0, 0))

# Windows: 5140 (a network share object was accessed), Task "File Share".
gi.TASKS[5140] = 12808
# A value with a newline (5140's AccessList) stays on one line as a character reference,
# the way the samples write it.
_xesc = gi.xesc
gi.xesc = lambda s: _xesc(s).replace("\r", "&#13;").replace("\n", "&#10;")

UPN_DOMAIN = "example.com"
FS01 = "FS01." + gi.AD_FQDN
FS02 = "FS02." + gi.AD_FQDN
# department shares and the server that holds them
DEPTS = [("Finance", FS01), ("Sales", FS01), ("Marketing", FS01), ("Engineering", FS01),
         ("Support", FS01), ("Operations", FS01), ("HR", FS02), ("Legal", FS02)]
SHARE_HOST = dict(DEPTS)
SHARE_HOST.update({"Users": FS01, "Public": FS01, "Projects": FS02, "IT$": FS02,
                   "Backups": FS02, "Archive": FS02})
# the VPN client the gateway itself serves to every user (and to anyone who logs in)
VPN_PLUGIN = "CitrixReceiver/23.11 (Windows)"
SPRAY_UA = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/108.0.0.0 Safari/537.36")
ATTACKER_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0"
GUESS_FIRST = ["john", "michael", "david", "james", "robert", "mary", "linda", "susan", "lisa",
               "paul", "mark", "steven", "kevin", "laura", "helen", "jason", "amy", "adam"]


def norm(u):
    return gi.norm_user(u)


def weekday(day):
    return time.gmtime(T0 + day * DAY).tm_wday < 5


def share_path(share):
    return "\\\\*\\" + share


def share_dest(share):
    """How dwell names a share in destinations: \\\\HOST\\share."""
    return "\\\\%s\\%s" % (SHARE_HOST[share], share)


# --- records not in gen_identity ---------------------------------------------------------

def e5140(win, log, ts, computer, p, ip, share):
    rnd = win.rnd
    data = [("SubjectUserSid", p.sid), ("SubjectUserName", p.sam),
            ("SubjectDomainName", gi.AD_DOMAIN),
            ("SubjectLogonId", "0x%x" % rnd.randrange(0x100000, 0x9ffffff)),
            ("ObjectType", "File"), ("IpAddress", ip), ("IpPort", rnd.randrange(49152, 65535)),
            ("ShareName", share_path(share)),
            ("ShareLocalPath", "\\??\\D:\\Shares\\" + share.rstrip("$")),
            ("AccessMask", "0x1"), ("AccessList", "%%4416\n\t\t\t\t")]
    win.event(log, ts, computer, 5140, data, 1, ok=True)
    # the file server's share audit is written by the System process (4), not by LSASS
    t, _, render = log.recs.pop()
    log.add(t, lambda lg, tt: re.sub(r'ProcessID="\d+"', 'ProcessID="4"', render(lg, tt), 1))


ENTRA_50034 = ("User account does not exist in the directory. To sign into this application, "
               "the account must be added to the directory.")


def entra_unknown(entra, log, ts, upn, ip, city, asn, ua):
    """A sign-in for a name the tenant does not have (50034): no user id, no
    authentication steps."""
    entra.signin(log, ts, upn, "", "00000000-0000-0000-0000-000000000000", ip, 50126, city,
                 asn, ua, "Chrome 108.0.0", "Windows10", app=gi.APPS[2])
    t, seq, render = log.recs.pop()
    rec = json.loads(render(log, t))
    rec["resultType"] = "50034"
    rec["resultDescription"] = ENTRA_50034
    g = rec["properties"]
    g["status"] = {"errorCode": 50034, "failureReason": ENTRA_50034}
    g["authenticationDetails"] = []
    g["userId"] = ""
    rec["identity"] = ""
    line = gi.jdump(rec)
    log.add(t, lambda lg, tt: line)


# --- the organisation ----------------------------------------------------------------------

class Company:
    """People with their usual places: an office NAT (Entra from the office), a home
    address (Entra and the VPN from home), a LAN address, the VPN's inside address, and
    the shares their department uses."""

    def __init__(self, rnd, n_people, n_active):
        self.rnd = rnd
        self.org = gi.Org(rnd, n_people=n_people, n_active=n_active)
        self.people = self.org.people
        self.active = self.org.active
        for p in self.people:
            p.upn = p.sam + "@" + UPN_DOMAIN
            p.dept = rnd.choice(DEPTS)[0]
            p.shares = ["Users", p.dept] + (["Projects"] if rnd.random() < 0.3 else [])
            p.nat = "10.200.%d.%d" % (p.i // 200, 10 + p.i % 200)
            p.office_days = rnd.uniform(0.4, 0.8)
        self.office = gi.public_ips(rnd, 1, (194,))[0]


def person_day(rnd, co, day, p, mode, entra, ns, win, logs, typo=0.04, start=None):
    """One working day of p: 'office' (Entra from the office NAT, shares from the LAN) or
    'home' (the VPN from home, Entra from home, shares through the VPN)."""
    elog, nlog, wlog = logs
    t = start if start is not None else T0 + day * DAY + rnd.uniform(6.5 * HOUR, 9.5 * HOUR)
    if mode == "office":
        ip, city = co.office, gi.CITIES[0]
        if entra:
            tt = t
            if rnd.random() < typo:
                entra.signin(elog, tt, p.upn, p.display, p.oid, ip, 50126, city, 5089,
                             p.browser[0], p.browser[1], p.browser[2], app=gi.APPS[2])
                tt += rnd.uniform(8, 50)
            entra.signin(elog, tt, p.upn, p.display, p.oid, ip, 0, city, 5089, p.browser[0],
                         p.browser[1], p.browser[2], app=gi.APPS[2], mfa="multi")
        inside = p.lan
    else:
        ip, city = p.home, p.city
        tt = t
        for _ in range(gi.typos(rnd, typo)):
            ns.failed(nlog, tt, p.sam, ip, p.browser[0])
            tt += rnd.uniform(6, 40)
        ns.aaatm_login(nlog, tt, p.sam, ip, p.browser[0])
        length = rnd.uniform(2 * HOUR, 9 * HOUR)
        ns.vpn(nlog, tt + rnd.uniform(1, 4), p.sam, ip, VPN_PLUGIN, p.nat, length,
               recv=int(length * rnd.uniform(2e3, 4e4)),
               send=int(length * rnd.uniform(2e2, 4e3)),
               method=rnd.choice(["Logout", "Logout", "TimedOut"]))
        if entra:
            entra.signin(elog, tt + rnd.uniform(60, 900), p.upn, p.display, p.oid, ip, 0, city,
                         p.asn, p.browser[0], p.browser[1], p.browser[2], app=gi.APPS[2],
                         mfa="multi")
        inside = p.nat
        t = tt + 5 * MIN
    if win:
        tf = t + rnd.uniform(3 * MIN, 40 * MIN)
        win.e4624(wlog, tf, SHARE_HOST[p.shares[0]], p, inside, 3, "Kerberos")
        for sh in p.shares:
            if sh == p.shares[0] or rnd.random() < 0.7:
                e5140(win, wlog, tf + rnd.uniform(0.05, 3), SHARE_HOST[sh], p, inside, sh)
                tf += rnd.uniform(1, 120)


def company_days(rnd, co, days, entra, ns, win, logs, entra_days=None, skip=()):
    """Every active person's working days: day 0 at the office, day 1 from home (so every
    usual place is seen before anything happens), then as they like."""
    for day in range(days):
        if not weekday(day):
            continue
        for p in co.active:
            if p in skip:
                continue
            if day == 0:
                mode = "office"
            elif day == 1:
                mode = "home"
            else:
                if rnd.random() < 0.08:
                    continue  # leave, sick
                mode = "office" if rnd.random() < p.office_days else "home"
            use_entra = entra if entra_days is None or day < entra_days else None
            person_day(rnd, co, day, p, mode, use_entra, ns, win, logs)


# --- the distributed spray -----------------------------------------------------------------

PRIOR = "*prior"


def spray_wave(rnd, start, span, names, pool, forced=None, per_hour=2, gap=20 * MIN):
    """Assigns one address of pool to each name in order, at times spread over span: every
    address at most per_hour guesses in any clock hour and gap apart. forced: {index:
    address, or PRIOR for any address that guessed before}. Returns [(t, name, address)]."""
    forced = forced or {}
    last, hour = {}, {}
    n = len(names)
    out = []
    for j, name in enumerate(names):
        t = int(start + j * span / n + rnd.uniform(0, 0.8 * span / n))
        if forced.get(j, PRIOR) != PRIOR:
            ip = forced[j]
        else:
            ok = [ip for ip in pool
                  if t - last.get(ip, -10 ** 9) >= gap and hour.get((ip, t // HOUR), 0) < per_hour
                  and all(abs(t - (int(start + k * span / n))) > 2 * gap or forced[k] != ip
                          for k in forced)]
            if forced.get(j) == PRIOR:  # an address that guessed before in this wave
                ok = [ip for ip in ok if ip in last]
            ip = rnd.choice(ok)
        last[ip] = t
        hour[(ip, t // HOUR)] = hour.get((ip, t // HOUR), 0) + 1
        out.append((t, name, ip))
    return out


# --- scenarios -----------------------------------------------------------------------------

SCENARIOS = {}


def scenario(name, doc):
    def reg(fn):
        SCENARIOS[name] = (fn, doc)
        return fn
    return reg


@scenario("citrix-chain", "distributed spray over three nights (Entra + NetScaler) -> one "
          "gateway success -> VPN sessions for three weeks -> new shares -> slow upload out; "
          "one password validated; the sprayed users sign in as usual every morning")
def s_citrix_chain(rnd):
    days = 28
    co = Company(rnd, n_people=260, n_active=220)
    elog, nlog, wlog = gi.Log(rnd), gi.Log(rnd), gi.Log(rnd)
    logs = (elog, nlog, wlog)
    entra, ns, win = gi.Entra(rnd, "diag"), gi.NetScaler(rnd), gi.Win(rnd)

    # the people the attacker must not be confused with
    victim = rnd.choice([p for p in co.active if p.dept in ("Sales", "Marketing", "Support")
                         and "Projects" not in p.shares])
    validated = rnd.choice([p for p in co.active if p is not victim])
    company_days(rnd, co, days, entra, ns, win, logs)

    # the attacker's name list: 220 real accounts (harvested) and 60 guesses
    sprayed = rnd.sample([p for p in co.people if p not in (victim, validated)], 218)
    sprayed += [victim, validated]
    guesses = set()
    while len(guesses) < 60:
        guesses.add("%s.%s" % (rnd.choice(GUESS_FIRST), rnd.choice(gi.LAST).lower()))
    guesses = sorted(guesses)
    pool = gi.public_ips(rnd, 120, gi.ATTACK_FIRSTS)
    taken = set()
    for ip in pool:
        taken.add(tuple(int(x) for x in ip.split(".")[:2]))
    vps = gi.public_ips(rnd, 2, (45, 91, 185, 195), taken)
    cities = {ip: rnd.choice(gi.FOREIGN) for ip in pool + vps}
    asns = {ip: rnd.choice([9009, 16276, 14061, 24940, 20473, 63949]) for ip in pool + vps}
    attacker_times = []
    t_success = None
    a_ip = None
    for w in range(3):  # Wednesday, Thursday, Friday: 01:00-10:00 UTC
        day = 2 + w
        start = T0 + day * DAY + HOUR + rnd.randrange(0, 20 * MIN)
        span = 9 * HOUR - rnd.randrange(0, 30 * MIN)
        wave_pool = rnd.sample(pool, 75)
        names = [("p", p) for p in sprayed] + [("g", g) for g in guesses]
        rnd.shuffle(names)
        forced = {}
        if w == 0:
            a_ip = wave_pool[0]
        if w >= 1 and a_ip not in wave_pool:
            wave_pool[0] = a_ip
        if w == 1:  # validated: a spray address with guesses before it, late in the wave
            k = names.index(("p", validated))
            kw = int(len(names) * 0.6)
            names.insert(kw, names.pop(k))
            forced = {kw: PRIOR}
        if w == 2:  # the success: address A, which guessed earlier in the wave too
            k = names.index(("p", victim))
            kv = int(len(names) * 0.45)
            names.insert(kv, names.pop(k))
            forced = {kv - 12: a_ip, kv: a_ip}
        plan = spray_wave(rnd, start, span, names, wave_pool, forced)
        seen = {}
        for t, (what, who), ip in plan:
            attacker_times.append(t)
            seen[ip] = seen.get(ip, 0) + 1
            city, asn = cities[ip], asns[ip]
            if what == "g":
                if rnd.random() < 0.5:
                    entra_unknown(entra, elog, t, who + "@" + UPN_DOMAIN, ip, city, asn, SPRAY_UA)
                else:
                    ns.failed(nlog, t, who, ip, SPRAY_UA)
                continue
            p = who
            if w == 2 and p is victim:
                assert ip == a_ip and seen[ip] >= 2
                ns.aaatm_login(nlog, t, p.sam, ip, SPRAY_UA)
                t_success = t
            elif w == 1 and p is validated:
                assert seen[ip] >= 2, "the validating address guessed before"
                entra.signin(elog, t, p.upn, p.display, p.oid, ip, 50076, city, asn, SPRAY_UA,
                             "Chrome 108.0.0", "Windows10", app=gi.APPS[2], mfa="multi")
            elif rnd.random() < 0.5:
                entra.signin(elog, t, p.upn, p.display, p.oid, ip, 50126, city, asn, SPRAY_UA,
                             "Chrome 108.0.0", "Windows10", app=gi.APPS[2])
            else:
                ns.failed(nlog, t, p.sam, ip, SPRAY_UA)

    # the mornings after: sprayed people on new networks, not compromised - a phone on a
    # carrier address signing in to Entra with MFA, a home whose ISP gave it a new address
    # connecting to the VPN with the usual browser and client
    taken = {tuple(int(x) for x in ip.split(".")[:2])
             for ip in pool + vps + [co.office] + [p.home for p in co.active]}
    roamers = rnd.sample([p for p in sprayed if p in co.active and p not in (victim, validated)],
                         8)
    new_addr = gi.public_ips(rnd, len(roamers), gi.HOME_FIRSTS, taken)
    for k, (p, ip) in enumerate(zip(roamers, new_addr)):
        t = T0 + (3 + k % 2) * DAY + rnd.uniform(7 * HOUR, 9.5 * HOUR)
        if k < 4:
            entra.signin(elog, t, p.upn, p.display, p.oid, ip, 0, p.city, 12576,
                         gi.BROWSERS[4][0], gi.BROWSERS[4][1], gi.BROWSERS[4][2],
                         app=gi.APPS[1], mfa="multi")
        else:
            home, p.home = p.home, ip
            person_day(rnd, co, 3 + k % 2, p, "home", entra, ns, win, logs, typo=0, start=t)
            p.home = home

    # the attacker's sessions: the same morning from A, then from two hosting addresses
    attack_nat = "10.200.3.%d" % rnd.randrange(20, 240)
    new_shares = ["Finance" if victim.dept != "Finance" else "Operations", "HR", "Legal",
                  "Projects", "IT$", "Backups", "Archive"]
    b_ip, c_ip = vps
    sessions = [  # (day, start hour, address, hours, shares to open, MB out)
        (4, 8.1, a_ip, 1.4, [], rnd.randrange(15, 40)),
        (6, 22.2, b_ip, 2.5, new_shares[0:2], rnd.randrange(80, 200)),
        (9, 1.5, b_ip, 3.0, new_shares[2:4], rnd.randrange(200, 500)),
        (12, 23.6, b_ip, 2.0, new_shares[4:5], rnd.randrange(200, 500)),
        (15, 2.2, b_ip, 4.0, new_shares[5:7], rnd.randrange(300, 700)),
        (18, 21.1, c_ip, 4.5, [], rnd.randrange(500, 900)),
        (20, 0.7, c_ip, 5.0, [], rnd.randrange(500, 900)),
        (23, 22.5, c_ip, 5.5, [], rnd.randrange(600, 1000)),
        (26, 1.2, c_ip, 6.0, [], rnd.randrange(600, 1000)),
    ]
    bytes_out = 0
    for day, hour, ip, hours, shares, mb in sessions:
        t = T0 + day * DAY + int(hour * HOUR) + rnd.randrange(0, 600)
        ns.aaatm_login(nlog, t, victim.sam, ip, ATTACKER_UA)
        t1 = t + rnd.randrange(2, 6)
        length = int(hours * HOUR) + rnd.randrange(0, 900)
        recv = mb * 10 ** 6 + rnd.randrange(0, 10 ** 6)
        bytes_out += recv
        ns.vpn(nlog, t1, victim.sam, ip, VPN_PLUGIN, attack_nat, length, recv=recv,
               send=rnd.randrange(1, 30) * 10 ** 6)
        attacker_times += [t, t1, t1 + length]
        if shares:
            tf = t1 + rnd.randrange(10 * MIN, 40 * MIN)
            win.e4624(wlog, tf, FS01, victim, attack_nat, 3, "Kerberos")
            attacker_times.append(tf)
            # the account's own share first (seen before: not new), then the new ones
            for sh in [victim.dept] + shares:
                tf += rnd.randrange(20, 900)
                e5140(win, wlog, tf, SHARE_HOST[sh], victim, attack_nat, sh)
                attacker_times.append(tf)
    assert t_success is not None
    last = max(attacker_times)

    files = {"entra-signins.json": elog, "ns-gw01.log": nlog, "fileservers-security.xml": wlog}
    v, w = victim.sam, validated.sam
    targeted = sorted({norm(p.sam) for p in sprayed} | set(guesses))
    inc = {
        "name": "chain",
        "status": "intrusion",
        "compromised": [v],
        "password_validated": [w],
        "accounts_to_reset": sorted([{"user": v, "reason": "compromised"},
                                     {"user": w, "reason": "password_validated"}],
                                    key=lambda x: x["user"]),
        "dwell_seconds": last - t_success,
        "first_compromise": gi.iso(t_success, 0),
        "last_activity": gi.iso(last, 0),
        "sources_required": sorted({a_ip, b_ip, c_ip}),
        # the accounts' share accesses come from the address the VPN gave the attacker
        "sources_allowed": sorted(set(pool) | {b_ip, c_ip, attack_nat}),
        "targeted_allowed": targeted,
        "min_targeted": len(targeted) // 2,
        "destinations_required": sorted({share_dest(s) for s in new_shares} | {gi.NS_VSERVER}),
        "destinations_forbidden": sorted({share_dest(s) for s in victim.shares}),
        "bytes_out": bytes_out,
    }
    benign_users = sorted({norm(p.sam) for p in co.people} - {v, w})
    benign_sources = sorted({co.office} | {p.home for p in co.active} | set(new_addr) |
                            {p.lan for p in co.active} | {p.nat for p in co.active})
    return files, [inc], benign_users, benign_sources, []


@scenario("two-attacks", "an sshd brute force on one day and an Okta distributed spray two "
          "days later, by different addresses against different users: two incidents")
def s_two_attacks(rnd):
    days = 5
    # sshd: two servers, RFC 3339 headers, 40 people logging in from their usual addresses
    slog = gs.Log(rnd, {"web01": ("3339", "sshd"), "db01": ("3339", "sshd-session")})
    sorg = gs.Org(rnd, n_active=40)
    sorg.warmup(slog, T0)
    for d in range(days):
        sorg.day(slog, T0 + d * DAY)
    gs.noise(slog, rnd, T0, T0 + days * DAY, scanners_per_day=60)
    bf_ip = gi.public_ips(rnd, 1, (45, 61, 103))[0]
    tb = T0 + DAY + 14 * HOUR + rnd.randrange(0, 3600)
    bf_users = set()
    k = 0
    while k < 180:
        u = rnd.choice(["root"] * 6 + ["admin", "ubuntu"])
        bf_users.add(u)
        slog.fail_valid(tb + k * 9 + rnd.uniform(0, 3), bf_ip, u, host="web01")
        k += 1
    # Okta: 120 people signing in from home every morning, then a distributed spray
    olog = gi.Log(rnd)
    okta = gi.Okta(rnd)
    org = gi.Org(rnd, n_people=200, n_active=120)
    for d in range(days):
        for p in org.active:
            t = T0 + d * DAY + rnd.uniform(6.5 * HOUR, 9.5 * HOUR)
            gi.okta_login(okta, olog, rnd, t, p.upn, p.display, p.okta_id, p.home, p.browser[0],
                          p.city, p.asn, typos_n=gi.typos(rnd, 0.05))
    pool = gi.public_ips(rnd, 24, gi.ATTACK_FIRSTS)
    targets = rnd.sample(org.people, 70)
    start = T0 + 3 * DAY + 4 * HOUR + rnd.randrange(0, 1800)
    plan = spray_wave(rnd, start, 100 * MIN, targets, pool, per_hour=2,
                      gap=15 * MIN)
    for t, p, ip in plan:
        okta.event(olog, t, "user.session.start", "FAILURE", p.upn, p.display, p.okta_id, ip,
                   SPRAY_UA, rnd.choice(gi.FOREIGN), 9009, "102" + "%022x" % rnd.getrandbits(88),
                   reason="INVALID_CREDENTIALS", cred="PASSWORD")
    files = {"auth.log": slog, "okta-system-log.json": olog}
    sshd_users = set(sorg.active) | set(gs.SERVICE)
    incs = [
        {"name": "sshd-brute-force", "status": "attack", "compromised": [],
         "password_validated": [], "accounts_to_reset": [], "dwell_seconds": 0,
         "sources_required": [bf_ip], "sources_allowed": [bf_ip],
         "targeted_allowed": sorted(bf_users), "min_targeted": 1,
         "destinations_required": [], "destinations_forbidden": [], "bytes_out": None},
        {"name": "okta-spray", "status": "attack", "compromised": [],
         "password_validated": [], "accounts_to_reset": [], "dwell_seconds": 0,
         "sources_required": [], "sources_allowed": sorted(pool),
         "min_sources": len(pool) * 3 // 4,
         "targeted_allowed": sorted(norm(p.upn) for p in targets),
         "min_targeted": len(targets) * 3 // 4,
         "destinations_required": [], "destinations_forbidden": [], "bytes_out": None},
    ]
    benign_users = sorted((set(sshd_users) | {norm(p.upn) for p in org.people}) -
                          set(bf_users))
    benign_sources = sorted(set(sorg.addr.values()) | set(sorg.home.values()) |
                            {p.home for p in org.active})
    return files, incs, benign_users, benign_sources, []


@scenario("benign", "office NAT with typos, VPN users from home, daily share access, a "
          "service with a stale password every 5 minutes, an admin jump host: no incident")
def s_benign(rnd):
    days = 5
    co = Company(rnd, n_people=120, n_active=100)
    elog, nlog, wlog = gi.Log(rnd), gi.Log(rnd), gi.Log(rnd)
    logs = (elog, nlog, wlog)
    entra, ns, win = gi.Entra(rnd, "la"), gi.NetScaler(rnd), gi.Win(rnd)
    for day in range(days):
        if not weekday(day):
            continue
        for p in co.active:
            mode = "office" if day == 0 or (day > 1 and rnd.random() < p.office_days) else "home"
            # the office's morning: many users, one in eight mistypes first
            person_day(rnd, co, day, p, mode, entra, ns, win, logs, typo=0.12)
            if mode == "office" and rnd.random() < 0.5:  # back from lunch
                t = T0 + day * DAY + rnd.uniform(12 * HOUR, 14 * HOUR)
                if rnd.random() < 0.1:
                    entra.signin(elog, t, p.upn, p.display, p.oid, co.office, 50126,
                                 gi.CITIES[0], 5089, p.browser[0], p.browser[1], p.browser[2],
                                 app=gi.APPS[0])
                    t += rnd.uniform(8, 40)
                entra.signin(elog, t, p.upn, p.display, p.oid, co.office, 0, gi.CITIES[0], 5089,
                             p.browser[0], p.browser[1], p.browser[2], app=gi.APPS[0],
                             mfa="multi")
    # the backup job: ran fine on Monday night, its password changed on Tuesday
    svc = gi.Acct("svc_backup", "%s-%d" % (gi.AD_SID, 1650))
    bkp_ip, bkp = "10.0.3.7", "BKP01"
    t = T0 + 22 * HOUR + rnd.uniform(0, 600)
    win.e4776(wlog, t, gi.DC, svc.sam, bkp, 0)
    win.e4624(wlog, t + 0.02, FS02, svc, bkp_ip, 3, "NTLM", ws=bkp)
    t = T0 + DAY + 22 * HOUR + rnd.uniform(0, 600)
    while t < T0 + 3 * DAY + 8 * HOUR:
        win.e4776(wlog, t, gi.DC, svc.sam, bkp, 0xc000006a)
        win.e4625(wlog, t + rnd.uniform(0.004, 0.05), FS02, svc.sam, gi.AD_DOMAIN, bkp_ip, bkp)
        t += 5 * MIN + rnd.uniform(-2, 2)
    # the admins' jump host into the Linux servers
    slog = gs.Log(rnd, {"app01": ("3339", "sshd"), "app02": ("3339", "sshd-session")})
    sorg = gs.Org(rnd, n_active=30)
    sorg.warmup(slog, T0)
    for d in range(days):
        sorg.day(slog, T0 + d * DAY)
    gs.a_jump_host(slog, rnd, T0 + DAY, ip="10.0.0.10", days=days - 1)
    files = {"entra-signins.json": elog, "ns-gw01.log": nlog, "security.xml": wlog,
             "auth.log": slog}
    benign_users = sorted({norm(p.sam) for p in co.people} | {"svc_backup"} |
                          set(sorg.active) | {"adm_" + s for s in gs.SURNAMES})
    benign_sources = sorted({co.office, bkp_ip, "10.0.0.10"} | {p.home for p in co.active} |
                            {p.lan for p in co.active} | {p.nat for p in co.active})
    required = [{"kind": "stale_credentials", "sources": [bkp_ip], "users": ["svc_backup"]}]
    return files, [], benign_users, benign_sources, required


def write(name, seed, out):
    rnd = random.Random("%s/%d" % (name, seed))
    os.makedirs(out, exist_ok=True)
    files, incs, benign_users, benign_sources, required = SCENARIOS[name][0](rnd)
    lines = {}
    for fname in sorted(files):
        lines[fname] = files[fname].write(os.path.join(out, fname))
    truth = {"scenario": name, "doc": SCENARIOS[name][1], "seed": seed, "files": lines,
             "count": len(incs), "incidents": incs, "benign_users": benign_users,
             "benign_sources": benign_sources, "alerts_required": required}
    with open(out.rstrip("/") + ".truth.json", "w") as f:
        json.dump(truth, f, indent=1, sort_keys=True)
        f.write("\n")


# --- checking dwell's incidents against the truth -------------------------------------------

def short(s, n=5):
    s = sorted(s)
    return "[" + ",".join(s[:n]) + (",...+%d" % (len(s) - n) if len(s) > n else "") + "]"


def check_incident(t, g):
    """Problems of dwell's incident g against truth incident t."""
    pr = []
    srcs = {s["source"] for s in g["sources"]}
    if g["status"] != t["status"]:
        pr.append("status %s, want %s" % (g["status"], t["status"]))
    for f in ("compromised", "password_validated"):
        if sorted(g[f]) != sorted(t[f]):
            pr.append("%s %s, want %s" % (f, short(g[f]), short(t[f])))
    got_reset = sorted((a["user"], a["reason"]) for a in g["accounts_to_reset"])
    want_reset = sorted((a["user"], a["reason"]) for a in t["accounts_to_reset"])
    if got_reset != want_reset:
        pr.append("accounts_to_reset %s, want %s" % (
            short("%s(%s)" % x for x in got_reset), short("%s(%s)" % x for x in want_reset)))
    if g["dwell_seconds"] != t["dwell_seconds"]:
        pr.append("dwell_seconds %d, want %d (%s .. %s); last_seen %s" % (
            g["dwell_seconds"], t["dwell_seconds"], t.get("first_compromise", "-"),
            t.get("last_activity", "-"), g["last_seen"]))
    miss = set(t["sources_required"]) - srcs
    if miss:
        pr.append("sources missing %s" % short(miss))
    extra = srcs - set(t["sources_allowed"])
    if extra:
        pr.append("sources not the attacker's %s" % short(extra))
    if len(srcs) < t.get("min_sources", 0):
        pr.append("%d sources, want >= %d" % (len(srcs), t["min_sources"]))
    tg = set(g["targeted"])
    extra = tg - set(t["targeted_allowed"])
    if extra:
        pr.append("targeted not attacked %s" % short(extra))
    if len(tg) < t["min_targeted"]:
        pr.append("%d targeted, want >= %d" % (len(tg), t["min_targeted"]))
    dest = set(g["destinations"])
    miss = set(t["destinations_required"]) - dest
    if miss:
        pr.append("destinations missing %s" % short(miss))
    bad = dest & set(t["destinations_forbidden"])
    if bad:
        pr.append("destinations the account always used %s" % short(bad))
    if t["bytes_out"] is not None and g["bytes_out"] != t["bytes_out"]:
        pr.append("bytes_out %s, want %d" % (g["bytes_out"], t["bytes_out"]))
    if g["cut"]["sources"] or g["cut"]["destinations"]:
        pr.append("cut %s" % json.dumps(g["cut"], sort_keys=True))
    return pr


def match_key(t, g):
    srcs = {s["source"] for s in g["sources"]}
    return (len(srcs & set(t["sources_allowed"])), -len(srcs - set(t["sources_allowed"])))


def check(truth_path, inc_path, alerts_path, tag):
    try:
        truth = json.load(open(truth_path))
        got = [json.loads(l) for l in open(inc_path) if l.strip()]
        alerts = [json.loads(l) for l in open(alerts_path) if l.strip()]
    except (OSError, ValueError) as e:
        print("not ok chain-%s: cannot read: %s" % (tag, e))
        return
    problems = []
    want = truth["incidents"]
    if len(got) != truth["count"]:
        problems.append("%d incidents, want %d: %s" % (len(got), truth["count"], "; ".join(
            "#%d %s %s..%s %d sources %s reset=%s alerts=%d" % (
                g["id"], g["status"], g["first_seen"], g["last_seen"], len(g["sources"]),
                short([s["source"] for s in g["sources"]], 3),
                short(a["user"] for a in g["accounts_to_reset"]), g["alerts"]) for g in got)))
    # pair each truth incident with the incident holding most of its sources
    left = list(range(len(got)))
    for t in want:
        if not left:
            problems.append("%s: no incident" % t["name"])
            continue
        best = max(left, key=lambda i: match_key(t, got[i]))
        if match_key(t, got[best])[0] == 0:
            problems.append("%s: no incident with its sources" % t["name"])
            continue
        left.remove(best)
        for p in check_incident(t, got[best]):
            problems.append("%s: %s" % (t["name"], p))
    # nobody innocent is to be reset, and no usual address is an attacker
    bu, bs = set(truth["benign_users"]), set(truth["benign_sources"])
    for g in got:
        bad = (set(g["compromised"]) | set(g["password_validated"]) |
               {a["user"] for a in g["accounts_to_reset"]}) & bu
        if bad:
            problems.append("incident %d resets benign users %s" % (g["id"], short(bad)))
        bad = {s["source"] for s in g["sources"]} & bs
        if bad:
            problems.append("incident %d has benign sources %s" % (g["id"], short(bad)))
    for r in truth["alerts_required"]:
        if not any(a["kind"] == r["kind"] and set(a["sources"]) == set(r["sources"]) and
                   set(a["users"]) == set(r["users"]) for a in alerts):
            problems.append("missing alert %s %s %s" % (r["kind"], r["sources"], r["users"]))
    kinds = {}
    for a in alerts:
        kinds[a["kind"]] = kinds.get(a["kind"], 0) + 1
    ks = ",".join("%s:%d" % kv for kv in sorted(kinds.items()))
    if problems:
        print("not ok chain-%s: %s (alerts %s)" % (tag, "; ".join(problems), ks))
    else:
        print("ok chain-%s (%d incidents; alerts %s)" % (tag, len(got), ks))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--list", action="store_true", help="list the scenarios")
    ap.add_argument("--scenario", help="scenario to write")
    ap.add_argument("--out", help="output directory (the logs; the truth goes to OUT.truth.json)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--check", nargs=3, metavar=("TRUTH", "INCIDENTS", "ALERTS"),
                    help="compare dwell's incidents with a truth file")
    ap.add_argument("--tag", default="", help="name printed by --check")
    a = ap.parse_args()
    if a.list:
        for name in SCENARIOS:
            print("%-14s %s" % (name, SCENARIOS[name][1]))
        return 0
    if a.check:
        check(a.check[0], a.check[1], a.check[2], a.tag or "chain")
        return 0
    if not a.out:
        ap.error("--out is required")
    if a.scenario not in SCENARIOS:
        ap.error("unknown scenario %r (see --list)" % a.scenario)
    write(a.scenario, a.seed, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
