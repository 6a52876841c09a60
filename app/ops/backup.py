"""(being written)"""
commands = []
