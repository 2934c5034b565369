export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Anything that can deliver a message. Resend in every environment; locally its API is a catcher. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export class MailDeliveryError extends Error {
  constructor(readonly status: number) {
    super(`mail provider answered HTTP ${status}`);
    this.name = "MailDeliveryError";
  }
}
