"""What a coordinator learns about their neighbourhood: statistics, charts, exports, the card.

`statistics` asks the database (portable SQL, counts only); `charts`, `export`
and `card` turn those numbers into PNG, CSV and picture bytes. Rendering
imports matplotlib and Pillow only when called, so starting the bot stays fast.
"""
