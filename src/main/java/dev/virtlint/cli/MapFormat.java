package dev.virtlint.cli;

/** Output formats of the map command: a table, JSON, or a picture (SVG, or SVG in an HTML page). */
enum MapFormat { text, json, svg, html }
