"""Security tests per area (auth, session, headers, access, input), run on both databases.

Each module names the defect of issue 7 a test proves fixed.
"""
