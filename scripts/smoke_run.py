#!/usr/bin/python3
"""Runs a command that must open the Keypost window (the README's `scripts/dev run`) on an X
display, waits until the window shows its first screen, saves a screenshot, then closes the
window the way its close button does (WM_DELETE_WINDOW) and expects the program to exit 0.

    smoke_run.py SCREENSHOT.png LOG_FILE -- COMMAND...

DISPLAY must name a running X server. Exits non-zero, with the reason and the command's last
output, when the window does not appear, stays blank, or the program does not exit cleanly.
"""

import os
import signal
import subprocess
import sys
import time

from Xlib import X, display, protocol

WINDOW_TITLE = "Keypost"
# A cold `scripts/dev run` compiles the whole app first; after `scripts/dev test` it starts at once.
WINDOW_TIMEOUT_S = 45 * 60
# A blank webview is one or two colours; a rendered screen (text, inputs, logo) has many.
RENDERED_MIN_COLOURS = 64
RENDER_TIMEOUT_S = 60
EXIT_TIMEOUT_S = 30


def fail(reason: str, log_file: str) -> None:
    print(f"smoke run: {reason}", file=sys.stderr)
    try:
        with open(log_file, encoding="utf-8", errors="replace") as log:
            tail = log.readlines()[-40:]
        print("last output of the command:", file=sys.stderr)
        sys.stderr.writelines(tail)
    except OSError:
        pass
    sys.exit(1)


def find_window(dpy: display.Display, title: str):
    """The mapped top-level window whose WM_NAME is `title`, or None."""
    pending = [dpy.screen().root]
    while pending:
        window = pending.pop()
        try:
            name = window.get_wm_name()
            attributes = window.get_attributes()
            children = window.query_tree().children
        except Exception:  # the window went away while we looked
            continue
        if name == title and attributes.map_state == X.IsViewable:
            return window
        pending.extend(children)
    return None


def colour_count(screenshot: str) -> int:
    subprocess.run(["import", "-window", "root", screenshot], check=True)
    counted = subprocess.run(
        ["identify", "-format", "%k", screenshot], check=True, capture_output=True, text=True
    )
    return int(counted.stdout.strip() or "0")


def close_window(dpy: display.Display, window) -> None:
    """What a window manager does for the close button: a WM_DELETE_WINDOW client message."""
    wm_protocols = dpy.intern_atom("WM_PROTOCOLS")
    wm_delete = dpy.intern_atom("WM_DELETE_WINDOW")
    event = protocol.event.ClientMessage(
        window=window,
        client_type=wm_protocols,
        data=(32, [wm_delete, X.CurrentTime, 0, 0, 0]),
    )
    window.send_event(event, event_mask=X.NoEventMask)
    dpy.flush()


def main() -> None:
    if len(sys.argv) < 5 or sys.argv[3] != "--":
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    screenshot, log_file, command = sys.argv[1], sys.argv[2], sys.argv[4:]
    with open(log_file, "w", encoding="utf-8") as log:
        child = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    dpy = display.Display()
    try:
        started = time.monotonic()
        window = None
        while window is None:
            if child.poll() is not None:
                fail(f"the command exited ({child.returncode}) before the window appeared", log_file)
            if time.monotonic() - started > WINDOW_TIMEOUT_S:
                fail(f"no '{WINDOW_TITLE}' window after {WINDOW_TIMEOUT_S} s", log_file)
            time.sleep(1)
            window = find_window(dpy, WINDOW_TITLE)
        shown = time.monotonic()
        print(f"smoke run: the window appeared after {shown - started:.1f} s")

        colours = 0
        while colours < RENDERED_MIN_COLOURS:
            if child.poll() is not None:
                fail(f"the app exited ({child.returncode}) before showing a screen", log_file)
            if time.monotonic() - shown > RENDER_TIMEOUT_S:
                fail(f"the window stayed blank ({colours} colours) for {RENDER_TIMEOUT_S} s", log_file)
            time.sleep(1)
            colours = colour_count(screenshot)
        print(f"smoke run: first screen rendered ({colours} colours), screenshot {screenshot}")

        close_window(dpy, window)
        try:
            code = child.wait(timeout=EXIT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            fail(f"the app did not exit within {EXIT_TIMEOUT_S} s of closing its window", log_file)
        if code != 0:
            fail(f"the app exited with {code} after its window was closed", log_file)
        print("smoke run: closed cleanly (exit 0)")
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
        dpy.close()


if __name__ == "__main__":
    main()
