"""What a coordinator learns about their neighbourhood: statistics, charts, exports, picture
cards and the quarterly report.

`statistics` and `quarter` ask the database (portable SQL, counts only); `charts`,
`quarter_charts`, `export`, `card` (on `canvas`) and `quarter_page` turn those numbers into
PNG, CSV, picture and HTML bytes. Rendering imports matplotlib and Pillow only when called,
so starting the bot stays fast.
"""
