"""The pure domain of fairpath: journeys, money, code lists, law, rules and findings.

Nothing here touches a database, the web, the clock or the file system: every input
(dates, exchange rates, the law in force) comes in as an argument.
"""
