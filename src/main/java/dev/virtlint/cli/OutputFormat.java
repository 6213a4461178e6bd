package dev.virtlint.cli;

/** Report formats of the lint command. */
enum OutputFormat { text, json, sarif, github }
