"""A Voice call round trip with twilio-python against provider-sim, as an application would.

Environment:
  BASE                      simulator base URL, e.g. http://127.0.0.1:4747 (client.api.base_url)
  ACCOUNT_SID, AUTH_TOKEN   the account
  CALLBACK                  the app's status callback URL

The call is answered and ended through /__inspect/twilio/calls/{sid}/advance, as a test of an
application would. Prints one JSON document with what the SDK returned; it never asserts.
"""

import json
import os
import urllib.request

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

BASE = os.environ["BASE"].rstrip("/")
ACCOUNT_SID = os.environ["ACCOUNT_SID"]
AUTH_TOKEN = os.environ["AUTH_TOKEN"]
CALLBACK = os.environ["CALLBACK"]

WIRE = []


def record_wire(response, *args, **kwargs):
    body = response.request.body
    if isinstance(body, bytes):
        body = body.decode("ascii")
    WIRE.append({"method": response.request.method, "url": response.request.url,
                 "status": response.status_code, "body": body})
    return response


def iso(d):
    return d.isoformat() if d is not None else None


def call(c):
    return {"sid": c.sid, "account_sid": c.account_sid, "to": c.to, "from": c.from_,
            "status": c.status, "direction": c.direction, "duration": c.duration,
            "start_time": iso(c.start_time), "end_time": iso(c.end_time),
            "parent_call_sid": c.parent_call_sid, "price": c.price, "queue_time": c.queue_time,
            "api_version": c.api_version, "uri": c.uri, "subresource_uris": c.subresource_uris}


def inspect(path, body):
    req = urllib.request.Request(BASE + "/__inspect/twilio" + path, data=json.dumps(body).encode(),
                                 headers={"content-type": "application/json"}, method="POST")
    with urllib.request.urlopen(req) as res:
        return json.loads(res.read())


client = Client(ACCOUNT_SID, AUTH_TOKEN)
client.api.base_url = BASE
client.http_client.request_hooks["response"].append(record_wire)
out = {}

created = client.calls.create(
    to="+15558675310",
    from_="+15005550006",
    twiml='<Response><Say>Hi, this is Oak Realty.</Say><Record transcribe="true" maxLength="20"/></Response>',
    record=True,
    status_callback=CALLBACK,
    status_callback_event=["initiated", "ringing", "answered", "completed"],
)
out["created"] = call(created)
out["create_wire"] = WIRE[-1]
out["advanced"] = inspect("/calls/{}/advance".format(created.sid), {"status": "completed"})
out["fetched"] = call(client.calls(created.sid).fetch())
out["listed"] = [c.sid for c in client.calls.list(to="+15558675310", status="completed")]
out["recordings"] = [{"sid": r.sid, "call_sid": r.call_sid, "source": r.source, "duration": r.duration,
                      "uri": r.uri} for r in client.recordings.list(call_sid=created.sid)]
out["transcriptions"] = [{"sid": t.sid, "recording_sid": t.recording_sid, "text": t.transcription_text}
                         for t in client.transcriptions.list()]

other = client.calls.create(to="+15558675311", from_="+15005550006", url=CALLBACK + "?twiml=1")
out["canceled"] = call(client.calls(other.sid).update(status="canceled"))
out["deleted"] = client.calls(other.sid).delete()
try:
    client.calls(other.sid).fetch()
    out["fetch_deleted"] = {"raised": False}
except TwilioRestException as e:
    out["fetch_deleted"] = {"raised": True, "code": e.code, "status": e.status}
try:
    client.calls.create(to="+15558675311", from_="+15005550006")
    out["no_url"] = {"raised": False}
except TwilioRestException as e:
    out["no_url"] = {"raised": True, "code": e.code, "status": e.status}

print(json.dumps(out))
