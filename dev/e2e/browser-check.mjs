// Drive dev/notifications.html in headless Chromium (playwright-core with the Debian chromium).
//
//   node dev/e2e/browser-check.mjs <page url> <email> <password> <expected title> [screenshot.png]
//
// Signs in through the page's form, waits until its Firestore listener is live, prints "READY <n>"
// (n = notifications shown), then waits for a new notification whose title is <expected title> (the test
// makes the API call that causes it once it reads READY), prints "SEEN <ms>" and exits 0. Every request
// to a host other than this machine is refused and reported: the page must work offline.
import { chromium } from "playwright-core";

const [url, email, password, expected, screenshot] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const timeout = Number(process.env.BROWSER_TIMEOUT_MS || 20000);
const blocked = [];
const consoleLines = [];

const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox"] });
let code = 1;
try {
  const page = await browser.newPage();
  page.on("console", (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => consoleLines.push(`pageerror: ${error.message}`));
  await page.route("**/*", (route) => {
    const host = new URL(route.request().url()).hostname;
    if (host === "127.0.0.1" || host === "localhost") return route.continue();
    blocked.push(route.request().url());
    return route.abort();
  });
  await page.goto(url);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("#sign-in");
  await page.waitForSelector("body[data-listening=true]", { timeout });
  const before = await page.locator("#notifications li").count();
  console.log(`READY ${before}`);
  const started = Date.now();
  await page.waitForFunction(
    ([title, count]) => {
      const items = [...document.querySelectorAll("#notifications li")];
      return items.length > count && items.some((li) => li.querySelector(".title")?.textContent === title);
    },
    [expected, before],
    { timeout },
  );
  console.log(`SEEN ${Date.now() - started}`);
  console.log(`UNREAD ${await page.textContent("#unread")}`);
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  code = blocked.length ? 3 : 0;
} catch (error) {
  console.log(`FAILED ${error.message.split("\n")[0]}`);
} finally {
  if (blocked.length) console.log(`BLOCKED ${blocked.join(" ")}`);
  for (const line of consoleLines) console.log(`CONSOLE ${line}`);
  await browser.close();
}
process.exit(code);
