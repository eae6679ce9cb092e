"""Customer notes, each written as a paraphrase of one backlog item's need (see items.py).

Each note: (item key, sentiment a reader would give it, text). Written for this test set in the voice of
support tickets, sales calls, interviews, NPS comments and app reviews; the wording avoids the items'
own titles where a customer would not use them.
"""

NOTES = [
    # B1 SEPA direct debit
    (
        "B1",
        "negative",
        "Our finance team in Munich refuses to pay by credit card. Can you pull the monthly amount "
        "straight from our bank account like every other German vendor does? Otherwise we'll have to cancel.",
    ),
    (
        "B1",
        "neutral",
        "Customer asked whether we support Lastschrift / automatic bank debits in euros for the subscription.",
    ),
    (
        "B1",
        "positive",
        "Would love to switch our renewal to an automatic debit from our Dutch bank account, cards "
        "are a pain for our accounting.",
    ),
    # B2 invoice PDFs VAT
    (
        "B2",
        "negative",
        "The invoices you send are missing our VAT ID and the reverse charge wording, so our "
        "accountant rejects them every single month. Very frustrating.",
    ),
    (
        "B2",
        "neutral",
        "Procurement needs a proper tax invoice document with our company registration address "
        "and VAT number printed on it.",
    ),
    (
        "B2",
        "neutral",
        "Can the billing receipts be downloaded as PDF files that include the EU tax identification of both companies?",
    ),
    # B3 prorated
    (
        "B3",
        "negative",
        "We upgraded to Business in the middle of the month and got charged the full month again. "
        "That is not fair, we should only pay for the remaining days.",
    ),
    (
        "B3",
        "neutral",
        "If we move down to the smaller plan halfway through the billing period, do we get a partial "
        "credit for the unused time?",
    ),
    (
        "B3",
        "negative",
        "Switching tiers mid-cycle is a mess: the bill jumps and nobody can explain the amount. "
        "Please charge just the difference for the days left.",
    ),
    # B4 annual plans
    (
        "B4",
        "positive",
        "We are happy with the product and would pay for twelve months in advance if there was a cheaper yearly price.",
    ),
    (
        "B4",
        "neutral",
        "Our budget process works per fiscal year. Is there an option to be invoiced once a year "
        "instead of monthly, ideally with a rebate?",
    ),
    (
        "B4",
        "positive",
        "Sales call: they love it and want to commit for a full year if we can give them a discount "
        "for paying upfront.",
    ),
    # B5 seats
    (
        "B5",
        "negative",
        "We keep paying for people who left the company months ago and I cannot see which "
        "licences are actually in use. Please let me reclaim them.",
    ),
    (
        "B5",
        "neutral",
        "The admin wants an overview of how many of the purchased user licences are assigned and how many are free.",
    ),
    (
        "B5",
        "neutral",
        "When a contractor leaves, can I hand their paid seat to the new hire instead of buying another one?",
    ),
    # R1 scheduled email reports
    (
        "R1",
        "neutral",
        "Our director never logs in. Could the weekly progress dashboard be mailed to her "
        "automatically every Monday morning as a PDF?",
    ),
    (
        "R1",
        "positive",
        "It would be amazing to have the KPI overview land in my inbox each morning without me exporting it by hand.",
    ),
    (
        "R1",
        "negative",
        "Every Friday I spend half an hour taking screenshots of charts to email the management "
        "team. This should be automated.",
    ),
    # R2 custom date ranges
    (
        "R2",
        "negative",
        "The dashboards only offer last 7 or 30 days. I need to look at our fiscal quarter, which "
        "starts in February, and it's impossible.",
    ),
    (
        "R2",
        "neutral",
        "Is it possible to choose an arbitrary period on the charts, for example 3 March to 17 "
        "April, and compare it with the same period last year?",
    ),
    ("R2", "neutral", "Customer wants to set their own from/to dates on the analytics widgets."),
    # R3 export to Excel
    (
        "R3",
        "neutral",
        "Can I get the numbers behind this chart into a spreadsheet? Our controller does the rest "
        "of the analysis in Excel.",
    ),
    (
        "R3",
        "negative",
        "There is no way to download the report data, I had to copy the table cell by cell into "
        "a spreadsheet. Ridiculous.",
    ),
    ("R3", "positive", "Great reports! The only thing missing is an xlsx download so we can pivot the data ourselves."),
    # R4 cohort retention
    (
        "R4",
        "neutral",
        "Our growth team wants to see how many users who signed up in a given week are still "
        "around after one, four and twelve weeks.",
    ),
    ("R4", "neutral", "Do you have churn analysis by signup month, like a retention triangle?"),
    (
        "R4",
        "positive",
        "The analytics are good, a retention curve per cohort of new users would make them "
        "perfect for our investor updates.",
    ),
    # R5 embeddable dashboards
    (
        "R5",
        "neutral",
        "We want to show the project status dashboard on our intranet page without everyone needing an account.",
    ),
    ("R5", "neutral", "Could we put a live chart on our public website via an iframe or a share link?"),
    (
        "R5",
        "positive",
        "Our clients love the progress charts; being able to publish them read-only through a "
        "link would save us a lot of status emails.",
    ),
    # I1 Jira
    (
        "I1",
        "negative",
        "Our developers live in Jira and the PMs live in Planwise, and we copy tickets back and "
        "forth by hand. Status gets out of date constantly.",
    ),
    (
        "I1",
        "neutral",
        "Is there a bidirectional integration with Atlassian so that comments and status updates flow both ways?",
    ),
    ("I1", "neutral", "Prospect will only buy if issues created in their Jira Cloud appear here and stay updated."),
    # I2 Slack
    (
        "I2",
        "neutral",
        "Could you post a message into our team channel in Slack when someone mentions me or assigns me a task?",
    ),
    (
        "I2",
        "negative",
        "I miss half my assignments because I don't check email. We all live in Slack, send them there!",
    ),
    (
        "I2",
        "positive",
        "Love the app. A Slack bot that pings the channel when a task moves to done would be the cherry on top.",
    ),
    # I3 Salesforce
    (
        "I3",
        "neutral",
        "Our account managers want the customer list from our CRM (Salesforce) available when "
        "they create client projects.",
    ),
    ("I3", "negative", "We retype every client's company and contact details from Salesforce. Please connect to it."),
    ("I3", "neutral", "Can we link each project to the matching opportunity and account in Salesforce?"),
    # I4 Zapier
    ("I4", "neutral", "Do you have a Zapier connector? We want to create a task whenever a Typeform is submitted."),
    ("I4", "neutral", "We automate most of our tools with Zaps, but Planwise isn't listed there."),
    (
        "I4",
        "positive",
        "If you shipped a Zapier integration we could wire you into our whole no-code stack, that would be fantastic.",
    ),
    # I5 Google Calendar
    ("I5", "neutral", "I'd like my deadlines to show up in my Google calendar next to my meetings."),
    (
        "I5",
        "negative",
        "When a milestone moves, my calendar still shows the old date because I typed it in by "
        "hand. Please sync due dates with Google Calendar.",
    ),
    (
        "I5",
        "positive",
        "The timeline view is great; seeing the same dates in my Gmail calendar would make it even better.",
    ),
    # I6 webhooks
    (
        "I6",
        "neutral",
        "Our engineers want an HTTP callback to our server whenever a task changes, so we can "
        "update our internal tools without polling your API.",
    ),
    (
        "I6",
        "negative",
        "Polling the API every minute to detect new comments is wasteful and hits your rate "
        "limit. Push events to us instead.",
    ),
    ("I6", "neutral", "Does the API offer event subscriptions that notify our endpoint when a project is deleted?"),
    # S1 SAML SSO
    (
        "S1",
        "neutral",
        "IT requires that all staff log in through our Okta account; we can't roll out a tool with separate passwords.",
    ),
    (
        "S1",
        "negative",
        "Security review failed: no SAML support. Our Azure AD policy mandates single sign-on for every SaaS.",
    ),
    ("S1", "neutral", "Enterprise prospect asks for login via their corporate identity provider using SAML."),
    # S2 2FA
    (
        "S2",
        "neutral",
        "Can users protect their account with a one-time code from Google Authenticator when they sign in?",
    ),
    (
        "S2",
        "negative",
        "After a phishing incident at a partner, we're worried that a password alone protects "
        "our data. We need a second login factor, enforced for everyone.",
    ),
    ("S2", "neutral", "Our insurer asks whether the tool supports MFA for all accounts."),
    # S3 audit log
    (
        "S3",
        "negative",
        "Someone removed three people from our workspace last week and nobody knows who did "
        "it. We need a history of admin changes.",
    ),
    (
        "S3",
        "neutral",
        "For our ISO 27001 audit we must show a trail of permission and settings changes with "
        "timestamps and the person responsible.",
    ),
    ("S3", "neutral", "Compliance wants to export a log of every administrative action for the last year."),
    # S4 session timeout
    (
        "S4",
        "neutral",
        "Our policy says shared computers must log users out automatically after 15 minutes without activity.",
    ),
    ("S4", "negative", "A laptop was stolen and I couldn't sign the employee out of Planwise remotely. That's scary."),
    ("S4", "neutral", "Can admins configure how long a login stays valid when the person is idle?"),
    # S5 EU data residency
    (
        "S5",
        "neutral",
        "Our legal department needs confirmation that our data is stored in Europe and never leaves the EU.",
    ),
    ("S5", "negative", "We had to stop the rollout: the works council won't accept data hosted in the United States."),
    ("S5", "neutral", "Do you offer a Frankfurt or Dublin region for hosting, for GDPR reasons?"),
    # S6 SCIM
    (
        "S6",
        "neutral",
        "When we onboard an employee in Azure AD, we want their account created here "
        "automatically, and disabled when they leave.",
    ),
    (
        "S6",
        "negative",
        "Offboarding is manual: people who left still have access for weeks until someone "
        "remembers to remove them. Sync with our directory please.",
    ),
    ("S6", "neutral", "Does Planwise support automated user lifecycle management from Okta via SCIM?"),
    # M1 offline mode
    (
        "M1",
        "negative",
        "Our field technicians work in basements with no reception and the app shows nothing "
        "there. Useless underground.",
    ),
    ("M1", "neutral", "Could the phone app keep a local copy so I can tick off tasks on the plane and upload later?"),
    (
        "M1",
        "negative",
        "On the train the app loses connection and my edits vanish. Please let me work without internet.",
    ),
    # M2 push notifications
    ("M2", "neutral", "I'd like my phone to buzz when a colleague mentions me, not only an email."),
    (
        "M2",
        "negative",
        "The iPhone app never alerts me about anything, I only find out about new assignments when I open it.",
    ),
    ("M2", "neutral", "Do you plan mobile alerts for tasks that are about to be overdue?"),
    # M3 tablet layout
    (
        "M3",
        "negative",
        "On my iPad Pro the app is just the phone screen blown up, huge buttons and tiny content. Ugly.",
    ),
    (
        "M3",
        "neutral",
        "Our site managers use tablets; a two-column view with the list and the details side by side would suit them.",
    ),
    (
        "M3",
        "positive",
        "Love the mobile app on my phone! Please give it a proper design for the bigger screen of my tablet too.",
    ),
    # M4 camera attachments
    (
        "M4",
        "neutral",
        "Technicians want to snap a picture of the damaged part and add it to the job directly from the phone.",
    ),
    ("M4", "neutral", "Could the app scan paper delivery notes and attach them as files to the task?"),
    (
        "M4",
        "negative",
        "Right now I take a photo, email it to myself and upload it from my laptop. Way too many steps.",
    ),
    # M5 Android crash
    ("M5", "negative", "The app closes the second I open it on my Samsung Galaxy S8. Reinstalling didn't help."),
    ("M5", "negative", "1 star. Crashes on launch every time on Android 9. Unusable."),
    (
        "M5",
        "negative",
        "Several warehouse staff with older Android phones report the app quits immediately at startup.",
    ),
    # P1 large boards
    (
        "P1",
        "negative",
        "Our main board has about 2,000 cards and it takes twenty seconds to open. Scrolling stutters terribly.",
    ),
    (
        "P1",
        "negative",
        "The kanban view becomes painfully slow once a project gets big. We've had to split "
        "boards just to make them usable.",
    ),
    (
        "P1",
        "neutral",
        "Customer asks whether performance improvements are planned for projects with thousands of items.",
    ),
    # P2 search
    ("P2", "negative", "If I mistype a single letter, search finds nothing. And it takes forever to show results."),
    ("P2", "neutral", "Could search suggest matches while I'm still typing, even with spelling mistakes?"),
    ("P2", "negative", "Finding an old task is hopeless; I search for 'invoise' and get zero hits."),
    # P3 status page
    (
        "P3",
        "negative",
        "During yesterday's outage we had no idea if the problem was on our side or yours. Where is your status page?",
    ),
    ("P3", "neutral", "Our IT team wants to subscribe to email notifications about incidents and planned maintenance."),
    ("P3", "neutral", "Do you publish uptime figures and an incident history somewhere?"),
    # C1 threaded comments
    (
        "C1",
        "neutral",
        "It's hard to follow discussions on a task: I want to answer one particular comment "
        "instead of adding to the bottom of the list.",
    ),
    ("C1", "neutral", "Can I tag a colleague in a comment with @ so they get notified?"),
    ("C1", "negative", "Conversations on tasks are a mess, replies to different questions are all mixed together."),
    # C2 co-editing
    (
        "C2",
        "negative",
        "Two of us edited the project brief at once and one person's changes were overwritten. "
        "We lost an hour of work.",
    ),
    ("C2", "neutral", "We'd like to write meeting notes together live, like in Google Docs, seeing who types where."),
    ("C2", "neutral", "Is simultaneous editing of the same page by several teammates supported?"),
    # C3 recurring tasks
    (
        "C3",
        "neutral",
        "Every first Monday of the month we do payroll checks; I don't want to create that task by hand each time.",
    ),
    ("C3", "negative", "I recreate the same weekly cleaning checklist every Friday. Why can't tasks repeat?"),
    ("C3", "neutral", "Can a to-do regenerate automatically after I complete it, say every 3 months?"),
    # C4 dependencies and Gantt
    (
        "C4",
        "neutral",
        "We need to say that design must finish before development can start, and see that on a timeline.",
    ),
    ("C4", "negative", "Without a Gantt chart our construction planners keep a parallel MS Project file. Double work."),
    ("C4", "neutral", "Does Planwise show which tasks are blocked by others and the critical path?"),
    # C5 bulk edit
    (
        "C5",
        "negative",
        "I had to reassign 80 tasks one by one when a colleague went on parental leave. It took "
        "me the whole afternoon.",
    ),
    ("C5", "neutral", "Can I select several cards and move them all to 'Done' with one click?"),
    ("C5", "neutral", "Customer wants multi-select to change the due date of many items at the same time."),
    # C6 templates
    (
        "C6",
        "neutral",
        "Every client onboarding has the same 40 steps; we'd like to copy a standard project instead of rebuilding it.",
    ),
    (
        "C6",
        "positive",
        "We run the same event playbook each quarter. Reusable project blueprints would save us "
        "hours, would love that.",
    ),
    ("C6", "neutral", "Is there a way to duplicate a project with all its lists and tasks as a starting point?"),
    # C7 time tracking
    (
        "C7",
        "neutral",
        "Our agency bills clients by the hour. We'd like to log the hours spent on each task directly in Planwise.",
    ),
    (
        "C7",
        "negative",
        "We pay for Harvest only to track hours next to your tasks, which is annoying. A "
        "built-in timer would let us drop it.",
    ),
    ("C7", "neutral", "Can team members record how long they worked on something and can I see totals per project?"),
    # U1 dark mode
    ("U1", "negative", "The bright white screen hurts my eyes when I work late at night."),
    ("U1", "positive", "Beautiful app! Please add a night theme, and ideally follow my Mac's appearance setting."),
    ("U1", "neutral", "Several developers asked for a dark colour scheme."),
    # U2 custom fields
    ("U2", "neutral", "We need to store the customer's order number and the budget on every task, and filter on them."),
    (
        "U2",
        "negative",
        "There's no place for our own attributes, so people stuff them into the task title. It's chaos.",
    ),
    ("U2", "neutral", "Could we define extra properties like a priority dropdown or a cost figure for our cards?"),
    # U3 guest access
    (
        "U3",
        "neutral",
        "We want our clients to see progress on their project, but not our internal projects, "
        "and we don't want to pay a full licence for them.",
    ),
    (
        "U3",
        "negative",
        "Paying a full seat for each external customer who only needs to look at one project is too expensive.",
    ),
    ("U3", "neutral", "Can I invite a freelancer to one project only, with restricted rights?"),
    # U4 German and French
    ("U4", "neutral", "Half of our staff in Lyon don't read English. Is a French version planned?"),
    ("U4", "negative", "Our workers in Austria refuse to use an English-only tool. We need it in German."),
    ("U4", "neutral", "Do you support other languages in the UI, and dates in the European format?"),
    # U5 keyboard shortcuts
    ("U5", "neutral", "Power users would like hotkeys to create a task and jump between columns."),
    ("U5", "positive", "Fantastic tool. With keyboard commands for assigning and closing tasks I'd be twice as fast."),
    ("U5", "negative", "I have RSI and clicking through menus all day hurts. Let me do things from the keyboard."),
    # U6 onboarding checklist
    (
        "U6",
        "negative",
        "When we signed up we stared at an empty screen and didn't know where to start. Most of "
        "our trial users gave up.",
    ),
    (
        "U6",
        "neutral",
        "New teams would benefit from step-by-step guidance to create their first project and invite colleagues.",
    ),
    ("U6", "neutral", "Trial feedback: a getting-started guide inside the product would help evaluation."),
    # U7 accessibility
    ("U7", "negative", "Our blind colleague can't use the board at all with JAWS; buttons have no labels."),
    ("U7", "neutral", "Public sector tender requires WCAG 2.1 AA compliance, including screen reader use."),
    ("U7", "neutral", "Is Planwise navigable with VoiceOver and does the focus order make sense?"),
    # D1 Trello and Asana import
    ("D1", "neutral", "We're moving away from Trello; can we bring our boards and cards over without retyping?"),
    (
        "D1",
        "negative",
        "Migration from Asana is the blocker: 300 projects, and your importer only takes CSV without attachments.",
    ),
    ("D1", "positive", "We would switch our whole company to you today if moving our Asana projects was one click."),
    # D2 backup export
    ("D2", "neutral", "IT wants a full copy of all our data, including attachments, for our own backups every month."),
    (
        "D2",
        "negative",
        "If you go out of business we lose everything. There must be a way to download all of our workspace.",
    ),
    ("D2", "neutral", "Can an admin export the entire account, projects, comments and files, as an archive?"),
    # D3 trash and restore
    (
        "D3",
        "negative",
        "A colleague accidentally deleted a whole project yesterday and it's gone. Please tell me you can get it back!",
    ),
    ("D3", "neutral", "Is there a recycle bin where removed tasks stay for some time before being deleted for good?"),
    ("D3", "negative", "I deleted the wrong task and there is no undo. Lost all the comments on it."),
]
