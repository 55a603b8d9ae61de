#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""rst-check.py FILE...: parse reStructuredText with docutils and print
every warning or error with its file and line; exit 1 if there was one.

Sphinx's code-block directive is registered as docutils' code directive,
so the documents stay valid for both."""
import sys

import docutils.core
import docutils.utils
from docutils.parsers.rst import directives
from docutils.parsers.rst.directives.body import CodeBlock

directives.register_directive('code-block', CodeBlock)

bad = 0
for path in sys.argv[1:]:
    with open(path, encoding='utf-8') as f:
        text = f.read()
    doc = docutils.core.publish_doctree(
        text, source_path=path,
        settings_overrides={'report_level': 5, 'halt_level': 5})
    for msg in doc.traverse(docutils.nodes.system_message):
        if msg['level'] >= 2:
            print(msg.astext())
            bad += 1
sys.exit(1 if bad else 0)
