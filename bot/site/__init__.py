"""The public results page: a static site of a neighbourhood's goals and results.

    DIR/index.html                    the neighbourhoods, with a link per language
    DIR/style.css                     one stylesheet; no JavaScript anywhere
    DIR/<slug>/<lang>/index.html      a page per language (nl, en, tr, ar, pl, uk),
                                      <html lang dir>: Arabic reads right to left
    DIR/<slug>/photos/result-<id>.*   photos of results whose lead said yes

Every link is relative, so the folder works from any web server or straight from the
disk. `build.site` renders the files from bot/domain/showcase.py (which leaves out
whatever a person did not agree to show); `wijkbot site build` writes them and
`live.py` serves the same files at /results/ from memory, rebuilt every few minutes.
Each part of a page is a small module (goals, results, initiatives, commitments,
timeline) that turns plain data into escaped HTML.
"""
