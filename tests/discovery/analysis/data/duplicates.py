"""Backlog items filed a second time by someone else, in their own words: (key of the original, title, description).

Used to calibrate and test the "likely duplicate" flag: each must come out as a duplicate of its original
and of nothing else in items.py.
"""

DUPLICATES = [
    (
        "B1",
        "Direct debit from European bank accounts",
        "EU customers want the subscription collected automatically from their bank account (SEPA mandate).",
    ),
    (
        "B2",
        "Tax-compliant invoices",
        "Our invoice documents must carry the buyer's VAT ID and the reverse charge note so that EU accountants "
        "accept them.",
    ),
    (
        "B4",
        "Yearly subscription option",
        "Pay once a year instead of every month, with a price reduction for committing for twelve months.",
    ),
    (
        "R1",
        "Email dashboards on a schedule",
        "Automatically mail a PDF of a chosen dashboard every morning or every week to a list of recipients.",
    ),
    ("R3", "CSV/XLSX download for reports", "Export the underlying data of charts and tables to a spreadsheet file."),
    (
        "I1",
        "Jira integration (bidirectional)",
        "Synchronise issues, their status and comments between Jira and our tasks, both ways.",
    ),
    ("I2", "Slack integration", "Send assignment, mention and status change notifications to Slack."),
    (
        "I5",
        "Calendar integration for deadlines",
        "Push task deadlines and milestones to Google Calendar and keep them up to date.",
    ),
    ("S1", "SSO via SAML 2.0", "Enterprise login through Okta or Azure Active Directory using SAML."),
    (
        "S2",
        "MFA at sign-in",
        "Multi-factor authentication with one-time codes from an authenticator app; enforceable by admins.",
    ),
    (
        "S3",
        "Admin activity history",
        "Log every change to members, roles and settings with who did it and when; exportable for audits.",
    ),
    (
        "M1",
        "Work without connectivity on mobile",
        "The phone app keeps working with no network and synchronises edits when the connection returns.",
    ),
    (
        "M2",
        "Mobile push alerts",
        "Notify iPhone and Android users of mentions, new assignments and due dates with push messages.",
    ),
    (
        "P1",
        "Performance of big kanban boards",
        "Opening and scrolling boards with thousands of cards is slow and must get faster.",
    ),
    ("C3", "Repeating tasks", "Let a task recur on a schedule (daily, weekly, monthly) and recreate it automatically."),
    (
        "C4",
        "Gantt chart with dependencies",
        "Show tasks on a Gantt timeline with blocking relationships between them and the critical path.",
    ),
    (
        "C7",
        "Built-in timer and timesheets",
        "Track the hours spent on each task with a timer or manual entries, with totals per project.",
    ),
    ("U1", "Night theme", "Offer a dark appearance for the app that can follow the system preference."),
    (
        "U4",
        "Localisation: German and French",
        "Make the user interface, notification emails and date formats available in German and French.",
    ),
    (
        "D1",
        "Migration tool for Trello and Asana users",
        "Import projects, cards, checklists and attachments from Trello and Asana.",
    ),
]
