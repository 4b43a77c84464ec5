// What e2e/app.ts gives the browser tests in the page.
interface Window {
  keypostHarness: { toast: (text: string) => void }
}
