#!/usr/bin/env python3
"""A third-party client against the reference server over TCP: slixmpp (Debian's python3-slixmpp)
logs in with its defaults (STARTTLS, then the strongest SCRAM offered), trusting only the given
certificate, enables push (XEP-0357, with Tigase's away='true') towards a push service, then
closes its stream like an app going to the background.

slixmpp 1.8 ships no XEP-0357 plugin, so the <enable/> is built by hand (the iq is slixmpp's).
Prints one line per step on stdout (LOGGED-IN <mechanism>, ENABLED, CLOSED) for the test to read;
exits non-zero with a reason on stderr on any failure.

Usage: enable_push.py --jid alice@localhost/slix --password pass --port 5222 --ca cert.pem
                      --push-jid pushsvc@localhost/sink --node NODE
"""
import argparse
import asyncio
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from slixmpp import ClientXMPP
from slixmpp.exceptions import IqError, IqTimeout

PUSH_NS = "urn:xmpp:push:0"


class PushEnabler(ClientXMPP):
    def __init__(self, args):
        super().__init__(args.jid, args.password)
        self.args = args
        self.ca_certs = Path(args.ca)
        self.failure = None
        self.add_event_handler("session_start", self.on_session_start)
        self.add_event_handler("failed_auth", self.on_failed_auth)
        self.add_event_handler("disconnected", lambda _event: self.done.set_result(True) if not self.done.done() else None)
        self.done = asyncio.get_event_loop().create_future()

    def on_failed_auth(self, event):
        self.failure = f"authentication failed: {event}"
        self.disconnect()

    async def on_session_start(self, _event):
        mechanism = getattr(self.plugin["feature_mechanisms"], "mech", None)
        print(f"LOGGED-IN {getattr(mechanism, 'name', '?')}", flush=True)
        self.send_presence()
        iq = self.make_iq_set()
        enable = ET.Element(f"{{{PUSH_NS}}}enable", {"jid": self.args.push_jid, "node": self.args.node, "away": "true"})
        iq.append(enable)
        try:
            await iq.send(timeout=10)
        except (IqError, IqTimeout) as err:
            self.failure = f"enable failed: {err}"
            self.disconnect()
            return
        print("ENABLED", flush=True)
        self.disconnect()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jid", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--push-jid", required=True)
    parser.add_argument("--node", required=True)
    args = parser.parse_args()

    client = PushEnabler(args)
    client.connect((args.host, args.port))
    loop = asyncio.get_event_loop()
    try:
        loop.run_until_complete(asyncio.wait_for(client.done, 20))
    except asyncio.TimeoutError:
        print("timed out after 20 s", file=sys.stderr)
        return 1
    if client.failure:
        print(client.failure, file=sys.stderr)
        return 1
    print("CLOSED", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
