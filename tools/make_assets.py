"""Draw shaderplay's built-in target images into assets/images/.

    .venv/bin/python tools/make_assets.py

- bottle.png (256×256, binary): a white bottle on black with a black diamond
  label in its belly, left-right symmetric, after the GINN experiment's target.
- shapes.png (256×192, RGB): a yellow smiley among a red square, a green
  triangle and a blue disc on a two-tone background, for colour fits; 4:3 so
  the aspect handling shows.
Everything is drawn from code, so the images carry no third-party rights.
"""

import math
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "assets" / "images"


def bottle(size=256) -> Image.Image:
    # Binary on purpose: no antialiasing, only 0 and 255, so it loads as a binary target.
    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    s = size / 256
    cx = size / 2
    body_half, neck_half = 50 * s, 17 * s
    shoulder_top, shoulder_bottom = 62 * s, 118 * s
    # Shoulders: a cosine ramp from the neck out to the body, sampled as a polygon.
    ramp = []
    for i in range(33):
        t = i / 32
        half = neck_half + (body_half - neck_half) * (1 - math.cos(math.pi * t)) / 2
        ramp.append((half, shoulder_top + t * (shoulder_bottom - shoulder_top)))
    outline = [(cx + h, y) for h, y in ramp] + [(cx - h, y) for h, y in reversed(ramp)]
    draw.polygon(outline, fill=255)
    draw.rounded_rectangle(
        (cx - body_half, shoulder_bottom - 2 * s, cx + body_half, 238 * s),
        radius=16 * s,
        fill=255,
        corners=(False, False, True, True),
    )  # square top meets the shoulders
    draw.rectangle((cx - neck_half, 26 * s, cx + neck_half, shoulder_top + 2 * s), fill=255)
    draw.rounded_rectangle(
        (cx - 23 * s, 16 * s, cx + 23 * s, 32 * s), radius=4 * s, fill=255
    )  # the lip
    dy, dx, cy = 40 * s, 30 * s, 172 * s
    draw.polygon([(cx, cy - dy), (cx + dx, cy), (cx, cy + dy), (cx - dx, cy)], fill=0)
    return img


def shapes(width=256, height=192, supersample=4) -> Image.Image:
    w, h, k = width * supersample, height * supersample, supersample
    img = Image.new("RGB", (w, h), (40, 60, 110))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, int(h * 0.7), w, h), fill=(70, 140, 90))  # a ground strip
    draw.rectangle((18 * k, 20 * k, 78 * k, 80 * k), fill=(220, 50, 50))
    draw.polygon([(190 * k, 22 * k), (240 * k, 110 * k), (140 * k, 110 * k)], fill=(60, 200, 90))
    draw.ellipse((28 * k, 112 * k, 88 * k, 172 * k), fill=(60, 120, 235))
    # The smiley: face, eyes, mouth (a thick lower arc).
    fx, fy, fr = 128 * k, 96 * k, 46 * k
    draw.ellipse(
        (fx - fr, fy - fr, fx + fr, fy + fr), fill=(250, 210, 40), outline=(30, 20, 10), width=3 * k
    )
    for ex in (-16, 16):
        draw.ellipse(
            (fx + (ex - 6) * k, fy - 22 * k, fx + (ex + 6) * k, fy - 6 * k), fill=(30, 20, 10)
        )
    draw.arc(
        (fx - 28 * k, fy - 18 * k, fx + 28 * k, fy + 30 * k),
        start=20,
        end=160,
        fill=(30, 20, 10),
        width=5 * k,
    )
    return img.resize((width, height), Image.Resampling.LANCZOS)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    bottle().save(OUT / "bottle.png", optimize=True)
    shapes().save(OUT / "shapes.png", optimize=True)
    print(f"wrote bottle.png and shapes.png to {OUT}")


if __name__ == "__main__":
    main()
