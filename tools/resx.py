#!/usr/bin/env python3
"""Writes a .resx triple (neutral Azerbaijani, .en, .ru) from a table of key: (az, en, ru).

Usage from Python: write_resx("src/DeviceRegistry.Web/Resources/Localization/SharedTexts", TEXTS)
A key missing a language is an error here, before any build.
"""
from xml.sax.saxutils import escape

HEADER = '''<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
  <resheader name="version"><value>2.0</value></resheader>
  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
'''


def write_resx(base, texts):
    for index, suffix in enumerate(["", ".en", ".ru"]):
        lines = [HEADER]
        for key, values in texts.items():
            if len(values) != 3 or any(not v for v in values):
                raise SystemExit(f"{key}: needs az, en and ru")
            lines.append(f'  <data name="{escape(key, {chr(34): "&quot;"})}" xml:space="preserve"><value>{escape(values[index])}</value></data>\n')
        lines.append("</root>\n")
        with open(f"{base}{suffix}.resx", "w", encoding="utf-8") as f:
            f.write("".join(lines))
