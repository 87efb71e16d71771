import { ApiError } from './api-error.ts';

type Listener = (error: ApiError) => void;

/**
 * Fetches the API with the session cookie. Mutating requests carry the CSRF token the session
 * handed out; a 401 tells the session listeners so the page can ask to sign in again.
 */
export class ApiClient {
  private csrfToken: string | undefined;
  private readonly unauthorizedListeners = new Set<Listener>();

  setCsrfToken(token: string | undefined): void {
    this.csrfToken = token;
  }

  onUnauthorized(listener: Listener): () => void {
    this.unauthorizedListeners.add(listener);
    return () => this.unauthorizedListeners.delete(listener);
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  patch<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async text(path: string): Promise<string> {
    const response = await fetch(path, { credentials: 'same-origin', headers: { accept: 'text/plain, */*' } });
    if (!response.ok) throw await this.errorOf(response);
    return response.text();
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    let response: Response;
    try {
      response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, 'network_error', 'Mender could not be reached; check that it is running, then try again.');
    }
    if (!response.ok) {
      const error = await this.errorOf(response);
      // Only a session that ended sends the page back to sign-in, not a failed sign-in attempt.
      if (response.status === 401 && path !== '/api/session' && path !== '/api/setup') for (const listener of this.unauthorizedListeners) listener(error);
      throw error;
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async errorOf(response: Response): Promise<ApiError> {
    const text = await response.text().catch(() => '');
    try {
      const parsed = JSON.parse(text) as { error?: { code?: string; message?: string; fields?: Record<string, string[]> } };
      if (parsed.error?.message) return new ApiError(response.status, parsed.error.code ?? 'error', parsed.error.message, parsed.error.fields);
    } catch {
      // not JSON: fall through to a message with the status
    }
    return new ApiError(response.status, `http_${response.status}`, text.trim() || `Mender answered ${response.status} ${response.statusText}`);
  }
}

export const api = new ApiClient();
