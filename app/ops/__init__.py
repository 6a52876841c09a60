"""Operations: the commands and checks that keep an installation healthy for years.

Each module here lists its click commands in `commands`; app/cli.py registers them.
"""
