import { MailDeliveryError, type Mailer, type MailMessage } from "./mailer";

export interface ResendSettings {
  apiUrl: string;
  apiKey: string;
  from: string;
}

/** Resend's REST API over fetch: POST {apiUrl}/emails with a bearer key. */
export class ResendMailer implements Mailer {
  constructor(private readonly settings: ResendSettings) {}

  async send(message: MailMessage): Promise<void> {
    const response = await fetch(`${this.settings.apiUrl}/emails`, {
      method: "POST",
      headers: { Authorization: `Bearer ${this.settings.apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ from: this.settings.from, to: [message.to], subject: message.subject, text: message.text, html: message.html }),
    });
    // The body is drained either way so the connection can be reused.
    await response.arrayBuffer();
    if (!response.ok) throw new MailDeliveryError(response.status);
  }
}
