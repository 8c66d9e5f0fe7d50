from app.core.storage.preview import preview_of


def test_json_is_pretty_printed() -> None:
    shown = preview_of("a.json", b'{"a":[1,2],"b":"\xc3\xa9"}', 24)
    assert shown.kind == "json"
    assert shown.text == '{\n  "a": [\n    1,\n    2\n  ],\n  "b": "é"\n}'


def test_text_and_a_part_of_it_say_how_much_is_shown() -> None:
    assert preview_of("a.txt", b"hello\n", 6).text == "hello\n"
    part = preview_of("a.log", b"x" * 1024, 3 * 1024 * 1024)
    assert part.kind == "text" and part.note.startswith("First 1.0 KB of 3.0 MB shown")


def test_a_character_cut_by_the_limit_is_dropped_not_called_binary() -> None:
    data = "é".encode() * 10
    part = preview_of("a.txt", data[:-1], 100)
    assert part.kind == "text" and part.text == "é" * 9


def test_images_are_told_by_their_magic_bytes() -> None:
    assert preview_of("x", b"\x89PNG\r\n\x1a\n....", 12).kind == "image"
    assert preview_of("x", b"GIF89a....", 10).note.startswith("GIF image")
    assert preview_of("x", b"\xff\xd8\xff\xe0", 4).kind == "image"


def test_binary_and_other_encodings_say_why_not() -> None:
    binary = preview_of("x.bin", bytes(range(256)), 256)
    assert binary.kind == "binary" and "Download" in binary.note
    latin = preview_of("x.txt", "café".encode("latin-1"), 4)
    assert latin.kind == "binary" and "0xe9 at offset 3" in latin.note
