NL = {
    "Menu": "Menu",
    "Drag a file here, or": "Sleep een bestand hierheen, of",
}
