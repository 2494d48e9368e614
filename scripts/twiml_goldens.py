#!/usr/bin/env python3
"""Print golden TwiML strings from the official twilio library, for Tests/ReceptionistTests/TwiMLTests.swift.

Run with twilio 9.13.0 installed (`pip install twilio==9.13.0`). Each case here has a twin in the Swift test
table built with TwiMLBuilder; the Swift test asserts the rendered string equals the golden byte for byte.
"""
import json

from twilio import __version__
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import Dial, Gather, VoiceResponse


def case_say_voice_language():
    r = VoiceResponse()
    r.say("Hello there.", voice="Polly.Joanna", language="en-US")
    return r


def case_gather_all_attributes():
    r = VoiceResponse()
    g = Gather(input="speech dtmf", action="/twilio/gather?step=2&lang=en", method="POST",
               speech_timeout="auto", timeout=5, language="en-GB", hints="boiler, leak, radiator",
               action_on_empty_result=True, num_digits=1)
    g.say("Press one or say boiler.")
    g.pause(length=1)
    g.say("Or tell me what you need.", voice="alice")
    r.append(g)
    r.redirect("/twilio/incoming")
    return r


def case_gather_minimal():
    r = VoiceResponse()
    r.append(Gather(input="dtmf", action="/g", action_on_empty_result=False))
    return r


def case_dial_all_attributes():
    r = VoiceResponse()
    r.append(Dial("+14155550100", action="/twilio/dial-status", method="GET", timeout=30,
                  caller_id="+14155550199", answer_on_bridge=True))
    return r


def case_dial_plain():
    r = VoiceResponse()
    r.dial("+14155550100")
    return r


def case_pauses():
    r = VoiceResponse()
    r.pause()
    r.pause(length=2)
    r.say("")
    return r


def case_hostile_say():
    r = VoiceResponse()
    r.say("</Say><Dial>+19005550100</Dial><Say>")
    return r


def case_quotes_and_ampersands():
    r = VoiceResponse()
    r.say("He said \"hi\" & it's <fine> > 3.", voice="Polly.\"Amy\"&'x'")
    r.redirect("/next?a=1&b=\"2\"&c='3'<4>", method="POST")
    return r


def case_whitespace_in_attributes():
    r = VoiceResponse()
    r.say("line one\nline two\ttabbed", language="a\tb\nc\rd")
    return r


def case_non_ascii_and_emoji():
    r = VoiceResponse()
    r.say("Café naïve Straße 日本語 🎉👍🏽 — “curly” ‘quotes’", language="fr-FR")
    return r


def case_sms_ampersand():
    r = MessagingResponse()
    r.message("Tom & Jerry's <Plumbing> \"Co\"")
    return r


CASES = {name[len("case_"):]: fn for name, fn in sorted(globals().items()) if name.startswith("case_")}

if __name__ == "__main__":
    print(json.dumps({"library": f"twilio (PyPI) {__version__}",
                      "twiml": {name: str(fn()) for name, fn in CASES.items()}},
                     indent=2, ensure_ascii=False))
