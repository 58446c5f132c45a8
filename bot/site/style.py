"""The stylesheet: readable on a phone, high contrast, logical properties so that the
same rules hold left to right and right to left. A progress bar is filled by a class per
STEP percent, not an inline style, so that the page works under a strict
Content-Security-Policy (style-src 'self')."""

STEP = 5

CSS = """\
:root { --ink: #1d1d1b; --soft: #4a4a46; --accent: #0b5d3b; --line: #d6d6cf; --bar: #e6e6df; }
* { box-sizing: border-box; }
body { margin: 0; font: 1.05rem/1.55 system-ui, "Segoe UI", "Noto Sans", sans-serif;
  color: var(--ink); background: #fbfbf8; }
a { color: var(--accent); }
a:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
header, main, footer { max-width: 62rem; margin: 0 auto; padding: 1rem 1.25rem; }
header { border-block-end: 4px solid var(--accent); }
h1 { margin: .25rem 0; font-size: 2rem; }
h2 { margin-block: 2.2rem .6rem; font-size: 1.5rem; color: var(--accent); }
h3 { margin-block: 1.2rem .4rem; font-size: 1.15rem; }
.intro, .meta, footer { color: var(--soft); }
nav ul { display: flex; flex-wrap: wrap; gap: .4rem .9rem; margin: .4rem 0; padding: 0;
  list-style: none; }
nav a[aria-current="page"] { font-weight: 700; color: var(--ink); text-decoration: none; }
ul.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr));
  gap: 1rem; margin: 0; padding: 0; list-style: none; }
.cards > li { background: #fff; border: 1px solid var(--line); border-radius: .5rem;
  padding: .8rem 1rem; }
.cards img { display: block; width: 100%; height: auto; border-radius: .3rem;
  margin-block-end: .5rem; }
.number { font-size: 1.6rem; font-weight: 700; color: var(--accent); }
.bar { height: .8rem; background: var(--bar); border-radius: .4rem; overflow: hidden; }
.bar > span { display: block; height: 100%; background: var(--accent); }
"""
CSS += "".join(f".fill-{n} {{ width: {n}%; }}\n" for n in range(0, 101, STEP))
CSS += """\
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border: 1px solid var(--line); padding: .35rem .6rem; text-align: start; }
td.n, th.n { text-align: end; font-variant-numeric: tabular-nums; }
caption { text-align: start; color: var(--soft); padding-block-end: .4rem; }
.scroll { overflow-x: auto; }
"""
