"""An aiosmtpd handler that saves every message it receives, for the pickup page's e2e test.

    PYTHONPATH=e2e /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c mail_saver.SaveToFolder DIR

For message n it writes DIR/n.eml (the raw message), then DIR/n.txt and DIR/n.html (the decoded
plain-text and HTML bodies), each through a temporary name and a rename so a reader never sees
half a file; n.eml appears last.
"""

import email
import email.policy
import os


class SaveToFolder:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("SaveToFolder takes one argument: the folder to save messages in")
        return cls(args[0])

    def _write(self, name, data):
        temporary = os.path.join(self.folder, name + ".tmp")
        with open(temporary, "wb") as file:
            file.write(data)
        os.rename(temporary, os.path.join(self.folder, name))

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        for subtype in ("plain", "html"):
            part = message.get_body(preferencelist=(subtype,))
            text = part.get_content() if part is not None else ""
            self._write(f"{self.count}.{'txt' if subtype == 'plain' else 'html'}", text.encode("utf-8"))
        self._write(f"{self.count}.eml", raw)
        return "250 Message accepted for delivery"
