"""Messaging with twilio-python against provider-sim, written the way an application would.

Environment:
  BASE                      simulator base URL, e.g. http://127.0.0.1:4747
  MODE                      "base_url"    -> client.api.base_url = BASE
                            "http_client" -> Client(..., http_client=SimHttpClient(BASE)),
                                             with a region and an edge set to show that the
                                             rewrite survives the SDK's own host rewriting
  ACCOUNT_SID, AUTH_TOKEN   the main account
  OTHER_SID, OTHER_TOKEN    a second account (tenant isolation)
  PAGING_SID, PAGING_TOKEN  an account used only for paging
  API_KEY_SID, API_KEY_SECRET  an API key used with ACCOUNT_SID

Prints one JSON document with what the SDK returned; it never asserts by itself.
"""

import json
import os
import re
import sys
import time
import traceback
from datetime import datetime, timedelta, timezone

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

BASE = os.environ["BASE"].rstrip("/")
MODE = os.environ.get("MODE", "base_url")
ACCOUNT_SID = os.environ["ACCOUNT_SID"]
AUTH_TOKEN = os.environ["AUTH_TOKEN"]
OTHER_SID = os.environ["OTHER_SID"]
OTHER_TOKEN = os.environ["OTHER_TOKEN"]
PAGING_SID = os.environ["PAGING_SID"]
PAGING_TOKEN = os.environ["PAGING_TOKEN"]
API_KEY_SID = os.environ["API_KEY_SID"]
API_KEY_SECRET = os.environ["API_KEY_SECRET"]

FROM = "+15005550006"
FROM_2 = "+15017122661"
TO = "+15558675310"
TO_F = "+15558675320"
TO_G = "+15558675321"
TO_PAGE = "+15558675330"
RICH_BODY = "Hello world + friends & family: 100% = ½ price? #1 ünïcödé 日本語 🎉👍🏽\nline two"

TWILIO_HOST = re.compile(r"^https://([a-z0-9-]+)(?:\.[a-z0-9-]+)*\.twilio\.com(/.*)?$")


class SimHttpClient(TwilioHttpClient):
    """Sends https://{product}.twilio.com/P to BASE/P for api and to BASE/{product}/P otherwise.

    It sees URLs after the SDK applied region and edge (api.sydney.au1.twilio.com), so it
    keeps working whatever TWILIO_REGION / TWILIO_EDGE say.
    """

    def __init__(self, base, **kwargs):
        kwargs.setdefault("timeout", 10)
        super().__init__(**kwargs)
        self.base = base.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        m = TWILIO_HOST.match(url)
        if m:
            product, path = m.group(1), m.group(2) or ""
            url = (self.base if product == "api" else "{}/{}".format(self.base, product)) + path
        return super().request(method, url, *args, **kwargs)


WIRE = []


def record_wire(response, *args, **kwargs):
    body = response.request.body
    if isinstance(body, bytes):
        body = body.decode("ascii")
    WIRE.append({
        "method": response.request.method,
        "url": response.request.url,
        "status": response.status_code,
        "body": body,
    })
    return response


def make_client(username, password, account_sid=None):
    if MODE == "base_url":
        client = Client(username, password, account_sid=account_sid)
        client.api.base_url = BASE
    elif MODE == "http_client":
        client = Client(username, password, account_sid=account_sid,
                        http_client=SimHttpClient(BASE), region="au1", edge="sydney")
    else:
        raise SystemExit("unknown MODE " + MODE)
    client.http_client.request_hooks["response"].append(record_wire)
    return client


def iso(d):
    return d.isoformat() if d is not None else None


def message(m):
    return {
        "sid": m.sid,
        "account_sid": m.account_sid,
        "api_version": m.api_version,
        "to": m.to,
        "from": m.from_,
        "body": m.body,
        "status": m.status,
        "direction": m.direction,
        "num_media": m.num_media,
        "num_segments": m.num_segments,
        "messaging_service_sid": m.messaging_service_sid,
        "error_code": m.error_code,
        "price": m.price,
        "price_unit": m.price_unit,
        "uri": m.uri,
        "subresource_uris": m.subresource_uris,
        "date_created": iso(m.date_created),
        "date_updated": iso(m.date_updated),
        "date_sent": iso(m.date_sent),
    }


def media(md):
    return {
        "sid": md.sid,
        "account_sid": md.account_sid,
        "parent_sid": md.parent_sid,
        "content_type": md.content_type,
        "uri": md.uri,
    }


def account(a):
    return {
        "sid": a.sid,
        "friendly_name": a.friendly_name,
        "status": a.status,
        "type": a.type,
        "owner_account_sid": a.owner_account_sid,
        "uri": a.uri,
    }


def attempt(fn):
    """The value of fn(), or what it raised.

    fetch/create/update/delete raise TwilioRestException; list() and page() raise a plain
    TwilioException('Unable to fetch page', response) whose response holds Twilio's error.
    """
    try:
        return {"raised": False, "value": fn()}
    except TwilioRestException as e:
        return {"raised": True, "type": "TwilioRestException", "code": e.code, "status": e.status,
                "method": e.method, "uri": e.uri, "msg": e.msg}
    except TwilioException as e:
        response = e.args[1] if len(e.args) > 1 else None
        if response is None or not hasattr(response, "status_code"):
            raise
        return {"raised": True, "type": "TwilioException", "message": e.args[0],
                "code": json.loads(response.text).get("code"), "status": response.status_code}


def wire_since(mark):
    return WIRE[mark:]


client = make_client(ACCOUNT_SID, AUTH_TOKEN)
other = make_client(OTHER_SID, OTHER_TOKEN)
paging = make_client(PAGING_SID, PAGING_TOKEN)

# Every message the script created successfully, per account, and the ones it deleted.
created = {ACCOUNT_SID: [], OTHER_SID: [], PAGING_SID: []}
deleted = []


def send(c, account_sid, **kwargs):
    m = c.messages.create(**kwargs)
    created[account_sid].append(m.sid)
    return m


def s_create():
    mark = len(WIRE)
    m = send(client, ACCOUNT_SID, to=TO, from_=FROM, body=RICH_BODY, provide_feedback=True)
    posted = wire_since(mark)
    fetched = client.messages(m.sid).fetch()
    return {"sent_body": RICH_BODY, "created": message(m), "fetched": message(fetched), "wire": posted}


def s_media():
    urls = ["https://demo.twilio.com/owl.png", "https://example.com/photos/cat.jpg"]
    mark = len(WIRE)
    m = send(client, ACCOUNT_SID, to=TO, from_=FROM, body="two pictures", media_url=urls)
    posted = wire_since(mark)
    listed = client.messages(m.sid).media.list()
    one = client.messages(m.sid).media(listed[0].sid).fetch() if listed else None
    return {
        "media_urls": urls,
        "created": message(m),
        "fetched": message(client.messages(m.sid).fetch()),
        "media": [media(x) for x in listed],
        "media_fetched": media(one) if one else None,
        "wire": posted,
    }


def s_filters():
    early = [
        send(client, ACCOUNT_SID, to=TO_F, from_=FROM, body="early f 1"),
        send(client, ACCOUNT_SID, to=TO_F, from_=FROM, body="early f 2"),
        send(client, ACCOUNT_SID, to=TO_G, from_=FROM_2, body="early g 1"),
    ]
    # The SDK sends date filters to the second: let the clock pass a whole second.
    now = time.time()
    time.sleep(int(now) + 1 - now + 0.05)
    late = [
        send(client, ACCOUNT_SID, to=TO_F, from_=FROM_2, body="late f 1"),
        send(client, ACCOUNT_SID, to=TO_F, from_=FROM_2, body="late f 2"),
        send(client, ACCOUNT_SID, to=TO_G, from_=FROM, body="late g 1"),
    ]
    early_end = max(m.date_created for m in early)
    late_start = min(m.date_created for m in late)

    def sids(records):
        return [r.sid for r in records]

    mark = len(WIRE)
    before = client.messages.list(to=TO_F, date_sent_before=early_end)
    before_wire = wire_since(mark)
    return {
        "early": [message(m) for m in early],
        "late": [message(m) for m in late],
        "early_end": iso(early_end),
        "late_start": iso(late_start),
        "to_f": sids(client.messages.list(to=TO_F)),
        "to_g": sids(client.messages.list(to=TO_G)),
        "from_2": sids(client.messages.list(from_=FROM_2)),
        "to_f_from_2": sids(client.messages.list(to=TO_F, from_=FROM_2)),
        "to_f_before": sids(before),
        "to_f_before_wire": before_wire,
        "to_f_after": sids(client.messages.list(to=TO_F, date_sent_after=late_start)),
        "between": sids(client.messages.list(to=TO_F, date_sent_after=early_end - timedelta(hours=1),
                                             date_sent_before=late_start + timedelta(hours=1))),
        "after_tomorrow": sids(client.messages.list(date_sent_after=datetime.now(timezone.utc) + timedelta(days=1))),
        "before_2001": sids(client.messages.list(date_sent_before=datetime(2001, 1, 1, tzinfo=timezone.utc))),
        "unknown_to": sids(client.messages.list(to="+15558670000")),
    }


def s_redact():
    m = send(client, ACCOUNT_SID, to=TO, from_=FROM, body="your code is 123456")
    updated = client.messages(m.sid).update(body="")
    fetched = client.messages(m.sid).fetch()
    return {"created": message(m), "updated": message(updated), "fetched": message(fetched)}


def s_delete():
    m = send(client, ACCOUNT_SID, to=TO, from_=FROM, body="delete me", media_url=["https://example.com/a.gif"])
    media_sid = client.messages(m.sid).media.list()[0].sid
    result = client.messages(m.sid).delete()
    deleted.append(m.sid)
    return {
        "created": message(m),
        "media_sid": media_sid,
        "delete_result": result,
        "fetch_after": attempt(lambda: client.messages(m.sid).fetch()),
        "delete_again": attempt(lambda: client.messages(m.sid).delete()),
        "media_after": attempt(lambda: client.messages(m.sid).media.list()),
        "media_fetch_after": attempt(lambda: client.messages(m.sid).media(media_sid).fetch()),
    }


def s_errors():
    def create(**kwargs):
        return attempt(lambda: message(send(client, ACCOUNT_SID, **kwargs)))

    out = {
        "to_none": create(to=None, from_=FROM, body="no recipient"),
        "to_empty": create(to="", from_=FROM, body="no recipient"),
        "to_invalid": create(to="not-a-number", from_=FROM, body="bad recipient"),
        "body_1601": create(to=TO, from_=FROM, body="a" * 1601),
        "body_1600": create(to=TO, from_=FROM, body="b" * 1600),
        "magic_to": {},
        "magic_from": {},
    }
    for n in ["+15005550001", "+15005550002", "+15005550003", "+15005550004", "+15005550009"]:
        out["magic_to"][n] = create(to=n, from_=FROM, body="magic to")
    for n in ["+15005550001", "+15005550007", "+15005550008"]:
        out["magic_from"][n] = create(to=TO, from_=n, body="magic from")
    return out


def s_auth():
    wrong = make_client(ACCOUNT_SID, "not-the-token")
    return {
        "wrong_list": attempt(lambda: wrong.messages.list(limit=1)),
        "wrong_create": attempt(lambda: message(wrong.messages.create(to=TO, from_=FROM, body="with a wrong token"))),
        "wrong_fetch_account": attempt(lambda: account(wrong.api.accounts(ACCOUNT_SID).fetch())),
        "right_after": [m.sid for m in client.messages.list(limit=1)],
    }


def s_account():
    return {
        "accounts_sid": account(client.api.accounts(ACCOUNT_SID).fetch()),
        "account": account(client.api.account.fetch()),
    }


def s_api_key():
    key = make_client(API_KEY_SID, API_KEY_SECRET, account_sid=ACCOUNT_SID)
    m = send(key, ACCOUNT_SID, to=TO, from_=FROM, body="sent with an API key")
    wrong_secret = make_client(API_KEY_SID, "not-the-secret", account_sid=ACCOUNT_SID)
    foreign = make_client(API_KEY_SID, API_KEY_SECRET, account_sid=OTHER_SID)
    return {
        "created": message(m),
        "fetched": message(key.messages(m.sid).fetch()),
        "listed_by_token": [x.sid for x in client.messages.list(limit=3)],
        "account": account(key.api.accounts(ACCOUNT_SID).fetch()),
        "wrong_secret": attempt(lambda: wrong_secret.messages.list(limit=1)),
        "other_account": attempt(lambda: foreign.messages.list(limit=1)),
    }


def s_paging():
    # Paging-account messages interleaved with another tenant's, so pages must skip rows.
    sent = []
    for i in range(25):
        sent.append(send(paging, PAGING_SID, to=TO_PAGE, from_=FROM, body="page {:02d}".format(i)).sid)
        if i % 2 == 0:
            send(other, OTHER_SID, to=TO_PAGE, from_=FROM, body="other {:02d}".format(i))

    def walk(**kwargs):
        mark = len(WIRE)
        sids = [m.sid for m in paging.messages.list(**kwargs)]
        return {"sids": sids, "requests": [w["url"] for w in wire_since(mark)]}

    out = {
        "sent": sent,
        "all": walk(page_size=10),
        "limit_23": walk(limit=23, page_size=10),
        "limit_7": walk(limit=7),
        "filtered": walk(to=TO_PAGE, page_size=4),
    }
    p1 = paging.messages.page(page_size=10)
    p2 = p1.next_page()
    p3 = p2.next_page()
    back = p2.previous_page()
    out["pages"] = {
        "p1": [m.sid for m in p1],
        "p2": [m.sid for m in p2],
        "p3": [m.sid for m in p3],
        "p3_next_url": p3.next_page_url,
        "p1_previous_url": p1.previous_page_url,
        "back": [m.sid for m in back],
    }
    # A message that arrives while a walk is under way does not shift the later pages.
    w1 = paging.messages.page(page_size=10)
    newcomer = send(paging, PAGING_SID, to=TO_PAGE, from_=FROM, body="arrived mid-walk").sid
    w2 = w1.next_page()
    w3 = w2.next_page()
    out["mid_walk"] = {
        "newcomer": newcomer,
        "sids": [m.sid for m in w1] + [m.sid for m in w2] + [m.sid for m in w3],
        "after": [m.sid for m in paging.messages.list(limit=1)],
    }
    return out


def s_isolation():
    mine = [m.sid for m in client.messages.list()]
    theirs = other.messages.list()
    a_sid = created[ACCOUNT_SID][0]
    b_sid = created[OTHER_SID][0]
    cross = make_client(OTHER_SID, OTHER_TOKEN, account_sid=ACCOUNT_SID)
    return {
        "mine": mine,
        "theirs": [m.sid for m in theirs],
        "theirs_accounts": sorted({m.account_sid for m in theirs}),
        "other_fetches_mine": attempt(lambda: message(other.messages(a_sid).fetch())),
        "i_fetch_theirs": attempt(lambda: message(client.messages(b_sid).fetch())),
        "other_deletes_mine": attempt(lambda: other.messages(a_sid).delete()),
        "other_redacts_mine": attempt(lambda: message(other.messages(a_sid).update(body=""))),
        "other_creds_on_my_path": attempt(lambda: cross.messages.list(limit=1)),
        "mine_still_there": message(client.messages(a_sid).fetch()),
    }


def s_other_product():
    """Products other than api.twilio.com go to BASE/{product}/... (http_client mode only)."""
    mark = len(WIRE)
    r = attempt(lambda: client.verify.v2.services("VA" + "0" * 32).fetch().sid)
    return {"fetch": r, "wire": wire_since(mark)}


SCENARIOS = [
    ("create", s_create),
    ("media", s_media),
    ("filters", s_filters),
    ("redact", s_redact),
    ("delete", s_delete),
    ("errors", s_errors),
    ("auth", s_auth),
    ("account", s_account),
    ("api_key", s_api_key),
    ("paging", s_paging),
    ("isolation", s_isolation),
]
if MODE == "http_client":
    SCENARIOS.append(("other_product", s_other_product))

result = {"mode": MODE, "twilio_version": __import__("twilio").__version__}
for name, fn in SCENARIOS:
    try:
        result[name] = fn()
    except Exception as e:  # reported, so one broken area does not hide the others
        result[name] = {"crashed": "{}: {}".format(type(e).__name__, e), "traceback": traceback.format_exc()}
result["created"] = created
result["deleted"] = deleted
result["wire_urls"] = [w["url"] for w in WIRE]
json.dump(result, sys.stdout)
sys.stdout.write("\n")
