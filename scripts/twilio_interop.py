#!/usr/bin/env python3
"""Interop test against the official `twilio` package (PyPI), run by `make test`.

Starts a real `frontdesk serve` (temporary database, a global Twilio auth token, the public base URL it listens
on), creates a business over the admin API, and plays calls as Twilio would: every webhook is signed with
twilio's own RequestValidator, and every TwiML reply is parsed and rebuilt with twilio's VoiceResponse (or
MessagingResponse for /twilio/sms), which must render the very same document (so Twilio's library accepts every verb and attribute we send).

Usage: python3 scripts/twilio_interop.py --binary .build/debug/frontdesk [--model-dir DIR]
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import Message, MessagingResponse
from twilio.twiml.voice_response import Dial, Gather, Hangup, Pause, Redirect, Say, VoiceResponse

AUTH_TOKEN = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
ADMIN_KEY = "interop-admin-key-0123456789abcdef"
NUMBER = "+15550142000"
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"  FAIL: {message}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8"), dict(error.headers)


def rebuild(xml_text):
    """The same document built with twilio's VoiceResponse, from the parsed reply."""
    root = ET.fromstring(xml_text)
    assert root.tag == "Response", root.tag
    response = VoiceResponse()

    def say(element, parent):
        parent.append(Say(element.text or "", **element.attrib))

    for verb in root:
        if verb.tag == "Say":
            say(verb, response)
        elif verb.tag == "Gather":
            gather = Gather(**verb.attrib)
            for child in verb:
                if child.tag == "Say":
                    say(child, gather)
                elif child.tag == "Pause":
                    gather.append(Pause(**child.attrib))
                else:
                    raise AssertionError(f"unexpected <{child.tag}> inside <Gather>")
            response.append(gather)
        elif verb.tag == "Dial":
            response.append(Dial(verb.text, **verb.attrib))
        elif verb.tag == "Hangup":
            response.append(Hangup())
        elif verb.tag == "Redirect":
            response.append(Redirect(verb.text, **verb.attrib))
        elif verb.tag == "Pause":
            response.append(Pause(**verb.attrib))
        else:
            raise AssertionError(f"unexpected verb <{verb.tag}>")
    return str(response), root


class Twilio:
    def __init__(self, base):
        self.base = base
        self.validator = RequestValidator(AUTH_TOKEN)
        self.replies = 0

    def post(self, path, params, token=None, signature=None):
        url = self.base + path
        if signature is None:
            signature = self.validator.compute_signature(url, params)
            assert self.validator.validate(url, params, signature)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
        if token:
            headers["I-Twilio-Idempotency-Token"] = token
        return http("POST", url, urllib.parse.urlencode(params).encode(), headers)

    def turn(self, path, params, token=None):
        status, body, headers = self.post(path, params, token)
        check(status == 200, f"{path} answered {status}: {body[:200]}")
        check(headers.get("Content-Type", "").startswith("text/xml"), f"{path} content type {headers.get('Content-Type')}")
        try:
            rebuilt, root = rebuild(body)
        except Exception as error:  # noqa: BLE001 - any parse failure is a test failure
            check(False, f"{path}: TwiML not accepted: {error}\n{body}")
            return body, None
        check(rebuilt == body, f"{path}: twilio renders the parsed reply differently\n ours:   {body}\n twilio: {rebuilt}")
        self.replies += 1
        return body, root


def rebuild_messaging(xml_text):
    """The same document built with twilio's MessagingResponse, from the parsed reply."""
    root = ET.fromstring(xml_text)
    assert root.tag == "Response", root.tag
    response = MessagingResponse()
    for verb in root:
        if verb.tag != "Message" or len(verb):
            raise AssertionError(f"unexpected <{verb.tag}> in a messaging reply")
        response.append(Message(verb.text or "", **verb.attrib))
    return str(response), root


def text(twilio, params):
    """An inbound text, signed by twilio's validator; the reply must be rebuilt identically by MessagingResponse."""
    status, body, headers = twilio.post("/twilio/sms", params)
    check(status == 200, f"/twilio/sms answered {status}: {body[:200]}")
    check(headers.get("Content-Type", "").startswith("text/xml"), f"/twilio/sms content type {headers.get('Content-Type')}")
    try:
        rebuilt, root = rebuild_messaging(body)
    except Exception as error:  # noqa: BLE001 - any parse failure is a test failure
        check(False, f"/twilio/sms: TwiML not accepted: {error}\n{body}")
        return None
    check(rebuilt == body, f"/twilio/sms: twilio renders the parsed reply differently\n ours:   {body}\n twilio: {rebuilt}")
    twilio.replies += 1
    return root


def spoken(root):
    return " ".join(e.text or "" for e in root.iter("Say"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/debug/frontdesk")
    parser.add_argument("--model-dir", default=os.environ.get("FRONTDESK_MODEL_DIR", ".models/all-MiniLM-L6-v2"))
    args = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    workdir = tempfile.mkdtemp(prefix="frontdesk-interop-")
    env = dict(os.environ, FRONTDESK_TWILIO_AUTH_TOKEN=AUTH_TOKEN, FRONTDESK_PUBLIC_BASE_URL=base,
               FRONTDESK_ADMIN_KEY=ADMIN_KEY, FRONTDESK_LOG_LEVEL="warning")
    env.pop("FRONTDESK_DEMO_CORPORA", None)
    server = subprocess.Popen(
        [args.binary, "serve", "--port", str(port), "--db", os.path.join(workdir, "interop.sqlite"),
         "--model-dir", args.model_dir],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            line = server.stdout.readline()
            if not line and server.poll() is not None:
                raise SystemExit("frontdesk exited before listening")
            if "listening on" in line:
                break
        admin = {"Authorization": f"Bearer {ADMIN_KEY}", "Content-Type": "application/json"}
        business = {"slug": "interop-plumbing", "name": "Interop Plumbing & Heating", "time_zone": "America/Denver",
                    "numbers": [NUMBER],
                    "settings": {"greeting": "Thanks for calling Interop Plumbing & Heating. How can I help?",
                                 "transfer_number": "+15550142999",
                                 "business_hours": {d: {"open": "00:00", "close": "24:00"} for d in
                                                    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]}}}
        status, body, _ = http("POST", base + "/v1/admin/businesses", json.dumps(business).encode(), admin)
        assert status == 201, (status, body)
        api_key = json.loads(body)["api_key"]
        entries = [
            {"title": "Opening hours", "content": "We are open every day from 7 a.m. to 7 p.m. Emergency call-outs are available around the clock."},
            {"title": "Boiler service", "content": "An annual boiler service costs 89 dollars & takes about an hour. We check the flue, the seals and the gas pressure."},
        ]
        status, body, _ = http("POST", base + "/v1/knowledge/import", json.dumps(entries).encode(),
                               {"X-API-Key": api_key, "Content-Type": "application/json"})
        assert status == 201, (status, body)

        twilio = Twilio(base)
        call = {"AccountSid": "AC" + "0" * 32, "CallSid": "CAinterop0001", "From": "+15550142111", "To": NUMBER,
                "Direction": "inbound", "CallStatus": "ringing"}
        print("call 1: question, message, read-back")
        _, root = twilio.turn("/twilio/voice", call, token="t1")
        check(root is not None and root.find("Gather") is not None, "greeting gathers speech")
        body, root = twilio.turn("/twilio/gather", dict(call, SpeechResult="how much is a boiler service", Confidence="0.91"), token="t2")
        check(root is not None and "89 dollars" in spoken(root), f"answer from the knowledge base: {body}")
        again, _ = twilio.turn("/twilio/gather", dict(call, SpeechResult="how much is a boiler service", Confidence="0.91"), token="t2")
        check(again == body, "a redelivered webhook gets the same reply")
        for words in ["i'd like to leave a message", "my name is <Ana & \"Bo\">", "yes", "12 high street", "yes"]:
            twilio.turn("/twilio/gather", dict(call, SpeechResult=words, Confidence="0.9"))
        twilio.turn("/twilio/gather", dict(call))  # silence
        body, root = twilio.turn("/twilio/gather", dict(call, SpeechResult="no that's all", Confidence="0.9"))
        check(root is not None and root.find("Hangup") is not None, "goodbye hangs up")
        status, _, _ = twilio.post("/twilio/call-status", dict(call, CallStatus="completed", CallDuration="74"))
        check(status == 200, f"call-status answered {status}")

        print("call 2: transfer and emergency")
        call2 = dict(call, CallSid="CAinterop0002")
        twilio.turn("/twilio/voice", call2)
        body, root = twilio.turn("/twilio/gather", dict(call2, SpeechResult="can i speak to a person", Confidence="0.88"))
        dial = root.find("Dial") if root is not None else None
        check(dial is not None and dial.text == "+15550142999" and dial.get("action", "").endswith("/twilio/transfer-status"),
              f"transfer dials the business: {body}")
        twilio.turn("/twilio/transfer-status", dict(call2, DialCallStatus="no-answer"))
        body, root = twilio.turn("/twilio/gather", dict(call2, SpeechResult="actually there's a gas smell in the kitchen", Confidence="0.9"))
        check(root is not None and "911" in spoken(root), f"emergency safety line: {body}")

        print("refusals")
        status, _, _ = twilio.post("/twilio/voice", dict(call, CallSid="CAinterop0003"), signature="AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
        check(status == 403, f"a wrong signature is refused (got {status})")
        tampered = dict(call, CallSid="CAinterop0004")
        signature = twilio.validator.compute_signature(base + "/twilio/voice", tampered)
        status, _, _ = twilio.post("/twilio/voice", dict(tampered, From="+15550000000"), signature=signature)
        check(status == 403, f"a tampered body is refused (got {status})")
        twilio.turn("/twilio/voice", dict(call, CallSid="CAinterop0005", To="+15550149999"))  # number not set up

        sms = {"MessageSid": "SMinterop0001", "AccountSid": "AC" + "0" * 32, "From": "+15550177777", "To": NUMBER,
               "Body": "HELP", "NumMedia": "0"}
        root = text(twilio, sms)
        check(root is not None and "reply STOP" in "".join(m.text or "" for m in root.iter("Message")), "HELP gets the opt-out help")
        root = text(twilio, dict(sms, MessageSid="SMinterop0002", Body="Stop"))
        check(root is not None and len(root) == 0, "STOP gets an empty response")
        text(twilio, dict(sms, MessageSid="SMinterop0003", Body="start"))
        status, body, _ = http("GET", base + "/v1/customers?phone=%2B15550177777", headers={"X-API-Key": api_key})
        customers = json.loads(body).get("items", [])
        check(len(customers) == 1 and customers[0].get("sms_opt_out") is False, f"the texter is a customer, opted in again: {customers}")

        status, body, _ = http("GET", base + "/v1/calls/CAinterop0001", headers={"X-API-Key": api_key})
        detail = json.loads(body)
        check(detail.get("outcome") == "lead_captured", f"call 1 outcome {detail.get('outcome')}")
        check(detail.get("duration_seconds") == 74, "call 1 duration")
        print(f"{twilio.replies} TwiML replies rebuilt identically by twilio's VoiceResponse and MessagingResponse")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    if failures:
        print(f"twilio interop: {len(failures)} failure(s)")
        sys.exit(1)
    print("twilio interop: ok")


if __name__ == "__main__":
    main()
