"""Backlog of a B2B work-management SaaS ("Planwise"): the items customer notes are matched against.

Each item: key, area (for the theme test), title, description — what a product team writes.
"""

ITEMS = [
    # billing
    (
        "B1",
        "billing",
        "Pay by SEPA direct debit",
        "Offer SEPA direct debit as a payment method for subscriptions of customers in the euro zone.",
    ),
    (
        "B2",
        "billing",
        "Invoice PDFs with full VAT details",
        "Invoices downloadable as PDF, showing the customer's VAT number, the reverse-charge mention and the "
        "legal company address.",
    ),
    (
        "B3",
        "billing",
        "Prorated charges on plan changes",
        "When a workspace upgrades or downgrades mid-cycle, charge or credit the difference pro rata instead of "
        "waiting for the renewal date.",
    ),
    (
        "B4",
        "billing",
        "Annual plans with a discount",
        "Let customers pay yearly up front at a reduced price compared with monthly billing.",
    ),
    (
        "B5",
        "billing",
        "Seat management for paid licences",
        "Admins see how many paid seats are used, free up seats of people who left, and billing follows the "
        "number of active members.",
    ),
    # reporting
    (
        "R1",
        "reporting",
        "Scheduled email reports",
        "Send any dashboard as a PDF attachment by email on a daily, weekly or monthly schedule.",
    ),
    (
        "R2",
        "reporting",
        "Custom date ranges on dashboards",
        "Pick any start and end date for dashboard widgets and compare with the previous period.",
    ),
    (
        "R3",
        "reporting",
        "Export report tables to Excel",
        "Download the data behind any chart or table as an XLSX or CSV file.",
    ),
    (
        "R4",
        "reporting",
        "Cohort retention chart",
        "A chart of how many users of each sign-up cohort are still active week after week.",
    ),
    (
        "R5",
        "reporting",
        "Embeddable public dashboards",
        "Share a read-only dashboard through a secret link or embed it with an iframe on another website.",
    ),
    # integrations
    (
        "I1",
        "integrations",
        "Two-way Jira synchronisation",
        "Keep tasks, statuses and comments in sync in both directions between Planwise and Jira projects.",
    ),
    (
        "I2",
        "integrations",
        "Slack notifications",
        "Post mentions, assignments and status changes into Slack channels or direct messages.",
    ),
    (
        "I3",
        "integrations",
        "Salesforce import of accounts and contacts",
        "Import customer accounts and contacts from Salesforce CRM and keep them linked to projects.",
    ),
    (
        "I4",
        "integrations",
        "Zapier app",
        "Publish a Zapier integration with triggers (task created, completed) and actions (create task).",
    ),
    (
        "I5",
        "integrations",
        "Google Calendar sync of due dates",
        "Show task due dates and milestones as events in Google Calendar and update them when dates move.",
    ),
    (
        "I6",
        "integrations",
        "Webhooks for record changes",
        "Call a customer-configured HTTPS endpoint whenever a task, project or comment is created, changed or deleted.",
    ),
    # security
    (
        "S1",
        "security",
        "SAML single sign-on",
        "Sign in through the company's identity provider (Okta, Azure AD, Google Workspace) with SAML 2.0.",
    ),
    (
        "S2",
        "security",
        "Two-factor authentication",
        "Second factor with an authenticator app (TOTP) at login, which admins can make mandatory.",
    ),
    (
        "S3",
        "security",
        "Audit log of admin actions",
        "A searchable, exportable record of who changed permissions, settings and members, and when.",
    ),
    (
        "S4",
        "security",
        "Idle session timeout",
        "Sign people out after a configurable period of inactivity, and let admins end all sessions of a user.",
    ),
    (
        "S5",
        "security",
        "EU data residency",
        "Host and process a workspace's data only in European data centres to satisfy GDPR requirements.",
    ),
    (
        "S6",
        "security",
        "SCIM user provisioning",
        "Create, update and deactivate accounts automatically from the identity provider's directory via SCIM.",
    ),
    # mobile
    (
        "M1",
        "mobile",
        "Offline mode in the mobile app",
        "Read and edit tasks without a network connection; changes sync when the phone is back online.",
    ),
    (
        "M2",
        "mobile",
        "Push notifications on iOS and Android",
        "Mobile push alerts for mentions, assignments and approaching due dates.",
    ),
    (
        "M3",
        "mobile",
        "Tablet layout for iPad",
        "A layout that uses the larger screen of tablets instead of the stretched phone interface.",
    ),
    (
        "M4",
        "mobile",
        "Attach photos from the phone camera",
        "Take a picture or scan a document with the phone and attach it to a task.",
    ),
    (
        "M5",
        "mobile",
        "Android app crashes at launch on older phones",
        "The Android app closes immediately on start on Android 9 and 10 devices.",
    ),
    # performance
    (
        "P1",
        "performance",
        "Faster loading of large boards",
        "Boards with more than a thousand cards take too long to open and to scroll.",
    ),
    (
        "P2",
        "performance",
        "Typo-tolerant, faster search",
        "Search results appear as you type and still find tasks when words are misspelt.",
    ),
    (
        "P3",
        "performance",
        "Public status page and incident alerts",
        "A status page showing uptime and ongoing incidents, with email alerts when the service is degraded.",
    ),
    # collaboration
    (
        "C1",
        "collaboration",
        "Threaded comments with @mentions",
        "Reply to a specific comment in a thread and notify colleagues by mentioning them.",
    ),
    (
        "C2",
        "collaboration",
        "Real-time co-editing of documents",
        "Several people edit the same project document at the same time and see each other's cursors.",
    ),
    (
        "C3",
        "collaboration",
        "Recurring tasks",
        "Tasks that repeat automatically every day, week, month or on a custom schedule.",
    ),
    (
        "C4",
        "collaboration",
        "Task dependencies and Gantt timeline",
        "Mark that a task blocks another and see the plan as a Gantt chart with the critical path.",
    ),
    (
        "C5",
        "collaboration",
        "Bulk edit of tasks",
        "Select many tasks at once and change their assignee, status, due date or tags in one action.",
    ),
    (
        "C6",
        "collaboration",
        "Project templates",
        "Save a project with its lists, tasks and settings as a template and start new projects from it.",
    ),
    (
        "C7",
        "collaboration",
        "Time tracking on tasks",
        "Start and stop a timer on a task, log hours manually, and report time spent per project.",
    ),
    # usability
    (
        "U1",
        "usability",
        "Dark mode",
        "A dark colour theme for the web and desktop apps, following the operating system's setting.",
    ),
    (
        "U2",
        "usability",
        "Custom fields on tasks",
        "Add workspace-specific fields to tasks (dropdown, number, date, text) and filter by them.",
    ),
    (
        "U3",
        "usability",
        "Guest access for clients",
        "Invite external clients to selected projects with limited permissions, without a paid seat.",
    ),
    (
        "U4",
        "usability",
        "German and French interface",
        "Translate the application into German and French, including emails and date formats.",
    ),
    (
        "U5",
        "usability",
        "Keyboard shortcuts",
        "Shortcuts to create, assign, move and complete tasks without touching the mouse.",
    ),
    (
        "U6",
        "usability",
        "Onboarding checklist for new workspaces",
        "A guided checklist that helps a new team set up its first project, invite people and connect tools.",
    ),
    (
        "U7",
        "usability",
        "Screen reader accessibility",
        "Labels, focus order and announcements so that blind users can work with a screen reader.",
    ),
    # data
    (
        "D1",
        "data",
        "Import from Trello and Asana",
        "Bring boards, cards, checklists and attachments over from Trello or Asana in a few clicks.",
    ),
    (
        "D2",
        "data",
        "Full workspace backup export",
        "Download a complete archive of all projects, tasks, comments and files of a workspace.",
    ),
    (
        "D3",
        "data",
        "Trash with restore of deleted items",
        "Deleted tasks and projects go to a trash for 30 days, from which they can be restored.",
    ),
]
