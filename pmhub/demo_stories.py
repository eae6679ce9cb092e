"""The demo backlog's stories, written as a product team would (see seed_demo)."""

# A believable backlog: each epic's stories as the team wrote them (title, the persona's want, why),
# with one acceptance criterion each. Epics without an entry fall back to the word lists above.
EPIC_STORIES = {
    "One-click checkout": [
        (
            "Remember the shopper's card for the next purchase",
            "to save my card when I pay",
            "I pay in one click next time",
            "Given a saved card, when the shopper returns, then checkout shows it preselected",
        ),
        (
            "Pay with a saved card without re-entering the CVC",
            "to pay with my saved card",
            "checkout takes seconds",
            "Given a saved card and a trusted device, when the shopper pays, then no CVC is asked",
        ),
        (
            "Show the total with shipping before the pay button",
            "to see the final amount up front",
            "there is no surprise at the last step",
            "Given a cart, when shipping is chosen, then the pay button shows the total",
        ),
        (
            "Autofill the address from the postcode",
            "to type only my postcode and number",
            "I finish checkout on my phone",
            "Given a valid postcode, when it is typed, then street and city are filled in",
        ),
        (
            "Keep the cart when the payment fails",
            "to retry without refilling my cart",
            "one declined card does not lose the sale",
            "Given a declined payment, when the shopper retries, then the cart is unchanged",
        ),
    ],
    "Local payment methods": [
        (
            "Accept iDEAL in the Netherlands",
            "to pay with my bank app",
            "I can buy from Dutch shops",
            "Given a Dutch shopper, when they choose iDEAL, then they are sent to their bank",
        ),
        (
            "Accept Bancontact in Belgium",
            "to pay the way I always do",
            "I trust the checkout",
            "Given a Belgian shopper, when they pay, then Bancontact is offered first",
        ),
        (
            "Offer SEPA Direct Debit for subscriptions",
            "to pay my subscription by direct debit",
            "I never miss a renewal",
            "Given a mandate, when the renewal is due, then the debit is collected",
        ),
        (
            "Show payment methods by the shopper's country",
            "to see only methods that work for me",
            "I do not pick one that fails",
            "Given a shopper in Spain, when checkout loads, then Bizum and cards are shown",
        ),
        (
            "Refund a bank-transfer payment to the original account",
            "to get my money back where it came from",
            "refunds need no email back and forth",
            "Given an iDEAL payment, when it is refunded, then the money goes to the same IBAN",
        ),
    ],
    "Next-day payouts": [
        (
            "Pay out yesterday's sales every morning",
            "to receive yesterday's takings today",
            "I can pay my suppliers on time",
            "Given settled sales, when it is 9:00, then the payout is on its way",
        ),
        (
            "Show when the next payout arrives",
            "to know when money lands",
            "I can plan my cash",
            "Given pending sales, when I open payouts, then the expected date is shown",
        ),
        (
            "Explain each fee on the payout statement",
            "to see what every fee was for",
            "I trust the numbers",
            "Given a payout, when I open it, then each fee has a line and a reason",
        ),
        (
            "Hold a payout when the bank account changed today",
            "a payout to wait after my bank details change",
            "a stolen login cannot redirect my money",
            "Given a new IBAN, when a payout is due the same day, then it is held for review",
        ),
        (
            "Export payouts for the accountant",
            "to export payouts as CSV",
            "reconciliation takes minutes",
            "Given a month, when I export, then each payout matches the bank statement",
        ),
    ],
    "Fraud screening": [
        (
            "Block cards tested many times in a minute",
            "card-testing bots to be stopped",
            "I do not pay dispute fees",
            "Given ten declines from one IP in a minute, when another attempt comes, then it is blocked",
        ),
        (
            "Ask for 3-D Secure on risky orders only",
            "to challenge only risky payments",
            "good shoppers are not slowed down",
            "Given a low-risk order, when it is paid, then no challenge is shown",
        ),
        (
            "Let merchants review held orders",
            "to approve or refuse a held order",
            "I decide on the edge cases",
            "Given a held order, when I approve it, then it is captured",
        ),
        (
            "Send evidence for a dispute in one click",
            "to answer a chargeback with the order's evidence",
            "I win more disputes",
            "Given a dispute, when I respond, then delivery proof and logs are attached",
        ),
    ],
    "Invoicing": [
        (
            "Number invoices without gaps",
            "invoice numbers without gaps",
            "my tax office accepts them",
            "Given two invoices on the same day, when they are issued, then their numbers follow each other",
        ),
        (
            "Add the buyer's VAT number to B2B invoices",
            "my VAT number on the invoice",
            "I can reclaim VAT",
            "Given a B2B buyer, when they enter a VAT number, then the invoice shows it and reverse charge",
        ),
        (
            "Send a credit note for a partial refund",
            "a credit note when I refund part of an order",
            "my books stay right",
            "Given a partial refund, when it is made, then a credit note is issued",
        ),
        (
            "Translate invoices into the buyer's language",
            "the invoice in my language",
            "I understand what I paid",
            "Given a German buyer, when the invoice is sent, then it is in German",
        ),
    ],
    "Merchant dashboard": [
        (
            "Show today's sales next to last week's",
            "to compare today with last week",
            "I notice a bad day early",
            "Given sales, when I open the dashboard, then today and the same day last week are shown",
        ),
        (
            "Flag a drop in checkout conversion",
            "to be told when conversion drops",
            "I fix problems before the weekend",
            "Given conversion below 50 % for an hour, when it happens, then I get an alert",
        ),
        (
            "Break revenue down by payment method",
            "revenue per payment method",
            "I know which methods to promote",
            "Given a month, when I open revenue, then each method has its share",
        ),
        (
            "Download the dashboard as PDF for the monthly review",
            "the dashboard as a PDF",
            "I can share it with my partner",
            "Given a month, when I download, then the PDF has the same figures",
        ),
    ],
    "Guided onboarding": [
        (
            "Connect the first shop in three steps",
            "to connect my shop in minutes",
            "I see my orders the first day",
            "Given a new account, when I follow the steps, then my shop's orders appear",
        ),
        (
            "Explain why we ask for identity documents",
            "to know why my ID is needed",
            "I am not put off by the checks",
            "Given the verification step, when it opens, then the reason and the regulation are shown",
        ),
        (
            "Resume onboarding where I left it",
            "to continue where I stopped",
            "I do not start over after a call",
            "Given a half-done onboarding, when I come back, then the next step opens",
        ),
        (
            "Invite my bookkeeper during onboarding",
            "to invite my bookkeeper",
            "they can set up payouts",
            "Given an email, when I invite, then the bookkeeper gets a finance role",
        ),
    ],
    "Order inbox": [
        (
            "Show new orders first with their payment state",
            "new orders on top with paid / pending",
            "I ship paid orders first",
            "Given new orders, when I open the inbox, then unpaid ones are marked",
        ),
        (
            "Mark an order as shipped with the tracking number",
            "to add the tracking number",
            "the customer stops asking where it is",
            "Given an order, when I add tracking, then the customer gets an email",
        ),
        (
            "Search orders by customer name or email",
            "to find an order by name",
            "I can answer a call quickly",
            "Given 10,000 orders, when I search a name, then results appear within a second",
        ),
        (
            "Refund an order from the app",
            "to refund from my phone",
            "I can solve a complaint at the market",
            "Given a paid order, when I refund it, then the customer is notified",
        ),
    ],
    "Push alerts": [
        (
            "Notify me of every paid order",
            "a push for each paid order",
            "I can pack it right away",
            "Given a paid order, when it is captured, then a push arrives within a minute",
        ),
        (
            "Let me mute alerts at night",
            "quiet hours for alerts",
            "I sleep",
            "Given quiet hours, when an order comes at 2:00, then no sound is played",
        ),
        (
            "Alert me when stock runs low",
            "a warning before I sell out",
            "I reorder in time",
            "Given stock below 5, when an order is paid, then I get a low-stock alert",
        ),
    ],
    "Offline mode": [
        (
            "Show the last synced orders without network",
            "to see orders in the cellar",
            "I can pack without signal",
            "Given no network, when I open the inbox, then the last synced orders show",
        ),
        (
            "Queue a shipped mark until the network returns",
            "my changes saved offline",
            "nothing is lost in the basement",
            "Given no network, when I mark shipped, then it syncs when online",
        ),
        (
            "Tell me clearly when I am offline",
            "to know I am offline",
            "I do not think the app is broken",
            "Given no network, when the app opens, then a banner says so",
        ),
    ],
    "Stock scanner": [
        (
            "Scan a barcode to adjust stock",
            "to scan a product to count it",
            "stocktaking takes an hour, not a day",
            "Given a barcode, when it is scanned, then the product and its stock open",
        ),
        (
            "Create a product from an unknown barcode",
            "to add a product by scanning it",
            "new deliveries go in fast",
            "Given an unknown barcode, when it is scanned, then a new product form opens",
        ),
        (
            "Scan in low light with the torch",
            "the torch when scanning",
            "I can scan in the storeroom",
            "Given low light, when scanning, then the torch can be switched on",
        ),
    ],
    "App start time": [
        (
            "Open the app in under two seconds",
            "the app to open fast",
            "I can check an order between customers",
            "Given a mid-range phone, when the app starts, then the inbox shows within 2 s",
        ),
        (
            "Load images after the order list",
            "the list before the pictures",
            "I can act before images load",
            "Given a slow network, when the inbox opens, then text shows first",
        ),
        (
            "Trim the app download below 30 MB",
            "a smaller download",
            "it installs on mobile data",
            "Given the release build, when measured, then it is under 30 MB",
        ),
    ],
}
