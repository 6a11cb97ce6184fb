import { invalid, Subject } from './subject';

/** Options of {@link Endpoints.check}. */
export interface EndpointCheckOptions {
  /** The prop that takes the credentials instead (named in the fix). */
  readonly credentialsProp: string;
  /** Accepted schemes. @default ['http', 'https'] */
  readonly schemes?: string[];
}

/**
 * Endpoints rendered into manifests. Credentials in a URL (`https://user:password@host`) would be written into the
 * YAML in clear text, so they are refused with a pointer to the prop that takes a Secret.
 */
export class Endpoints {
  /** `url` with any password (and user) replaced by `***`, for messages. */
  public static redact(url: string): string {
    return String(url).replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^/@]*@/, '$1***@');
  }

  /** True when `url` carries `user@` or `user:password@` before its host. */
  public static hasCredentials(url: string): boolean {
    return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*@/.test(String(url));
  }

  /** Throws when `url` embeds credentials, or is not a URL with one of the accepted schemes and a host. */
  public static check(subject: Subject, prop: string, url: string, options: EndpointCheckOptions): URL {
    Endpoints.refuseCredentials(subject, prop, url, options);
    const schemes = options.schemes ?? ['http', 'https'];
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !schemes.includes(parsed.protocol.slice(0, -1)) || parsed.hostname === '') {
      throw invalid(subject, { prop, value: url, rule: `must be a ${schemes.join('/')} URL with a host`, fix: `use e.g. "${schemes[schemes.length - 1]}://server.example.com"` });
    }
    return parsed;
  }

  /** Throws when `url` embeds credentials (only that: for props whose own check looks at the rest). */
  public static refuseCredentials(subject: Subject, prop: string, url: string, options: EndpointCheckOptions): void {
    if (typeof url !== 'string') {
      throw invalid(subject, { prop, value: url ?? 'undefined', rule: 'must be a URL string', fix: 'use e.g. "https://s3.example.com"' });
    }
    if (Endpoints.hasCredentials(url)) {
      throw invalid(subject, {
        prop,
        value: Endpoints.redact(url),
        rule: 'must not carry credentials (user:password@): they would be written into the manifest in clear text',
        fix: `remove them from the URL ("${Endpoints.redact(url).replace('***@', '')}") and give a Secret through ${options.credentialsProp}`,
      });
    }
  }

  /** Throws when a `host:port` list (e.g. Kafka bootstrap servers) carries credentials (the format is the caller's check). */
  public static checkHostPorts(subject: Subject, prop: string, value: string, options: EndpointCheckOptions): void {
    if (typeof value !== 'string') return;
    for (const item of value.split(',')) {
      if (item.includes('@')) {
        throw invalid(subject, { prop, value: value.replace(/[^,@]*@/g, '***@'), rule: 'must not carry credentials (user:password@): they would be written into the manifest in clear text', fix: `list host:port only and give the credentials through ${options.credentialsProp}` });
      }
    }
  }

  private constructor() {}
}
