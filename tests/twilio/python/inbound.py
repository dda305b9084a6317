"""An inbound SMS round trip driven by twilio-python: buy a number with an SmsUrl, have a person
text it, read the TwiML replies back, and see STOP block later sends. Prints one JSON document."""
import json
import os
import time
import urllib.request

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

BASE = os.environ["BASE"]
client = Client(os.environ["ACCOUNT_SID"], os.environ["AUTH_TOKEN"])
client.api.base_url = BASE
number, person = os.environ["NUMBER"], os.environ["PERSON"]
out = {}


def inbound(body):
    req = urllib.request.Request(
        f"{BASE}/__inspect/twilio/inbound",
        data=json.dumps({"from": person, "to": number, "body": body}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


n = client.incoming_phone_numbers.create(phone_number=number, sms_url=os.environ["SMS_URL"])
out["number"] = {"sid": n.sid, "phone_number": n.phone_number, "sms_url": n.sms_url}
msg = inbound("Is 12 Oak St still available? Ünïcode + spaces")
out["inbound"] = {"sid": msg["sid"], "direction": msg["direction"], "status": msg["status"]}

replies = []
for _ in range(100):
    replies = client.messages.list(to=person)
    if replies and all(m.status == "delivered" for m in replies):
        break
    time.sleep(0.05)
out["replies"] = [{"body": m.body, "from": m.from_, "direction": m.direction, "status": m.status} for m in replies]
out["fetched_inbound"] = client.messages(msg["sid"]).fetch().body

inbound("STOP")
try:
    client.messages.create(from_=number, to=person, body="New listing!")
    out["after_stop"] = "sent"
except TwilioRestException as e:
    out["after_stop"] = {"code": e.code, "status": e.status}
inbound("START")
out["after_start"] = client.messages.create(from_=number, to=person, body="Welcome back").status

# An outbound message's lifecycle seen from the SDK, with its status callbacks.
m = client.messages.create(from_="+15005550006", to="+15551112222", body="Lifecycle", status_callback=os.environ["STATUS_URL"])
seen = [m.status]
for _ in range(100):
    status = client.messages(m.sid).fetch().status
    if status != seen[-1]:
        seen.append(status)
    if status == "delivered":
        break
    time.sleep(0.01)
out["lifecycle"] = {"sid": m.sid, "first": seen[0], "last": seen[-1], "date_sent": bool(client.messages(m.sid).fetch().date_sent)}
print(json.dumps(out))
