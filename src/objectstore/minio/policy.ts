import { Construct } from 'constructs';
import type { MinioCluster } from './cluster';
import { checkClusterProp } from './internal';
import { edgeError, S3Credentials, SecretReaders } from '../../core';
import { Shape } from '../../core/validate';

/** Effect of a policy statement. */
export enum PolicyEffect {
  /** Grant the actions. */
  ALLOW = 'Allow',
  /** Deny the actions (wins over any Allow). */
  DENY = 'Deny',
}

/** One statement of an IAM policy (AWS IAM JSON grammar, as MinIO reads it). */
export interface PolicyStatement {
  /**
   * Allow or deny.
   * @default PolicyEffect.ALLOW
   */
  readonly effect?: PolicyEffect;
  /** Actions, e.g. `s3:GetObject`, `s3:*`, `admin:ServerInfo`. */
  readonly actions: string[];
  /** Resources, e.g. `arn:aws:s3:::video/*`. */
  readonly resources: string[];
  /**
   * Condition block (`{ "StringEquals": { "s3:prefix": ["cam1/"] } }`).
   * @default - none
   */
  readonly conditions?: { [operator: string]: any };
  /**
   * Statement ID.
   * @default - none
   */
  readonly sid?: string;
}

/** A MinIO group whose members are users given by credential Secret. */
export interface MinioGroup {
  /** Group name. */
  readonly name: string;
  /** Members: each Secret's access key becomes (or updates) a MinIO user with that secret key. */
  readonly members: S3Credentials[];
}

/** Options of {@link MinioCluster.addPolicy}. */
export interface MinioPolicyOptions {
  /**
   * Policy name.
   * @default - the construct id
   */
  readonly name?: string;
  /** The statements. */
  readonly statements: PolicyStatement[];
  /**
   * Users to attach the policy to. Each Secret's access key becomes (or updates) a MinIO user with that secret key.
   * @default - none
   */
  readonly users?: S3Credentials[];
  /**
   * Groups to create (with their members) and attach the policy to.
   * @default - none
   */
  readonly groups?: MinioGroup[];
}

/** Props of {@link MinioPolicy}. */
export interface MinioPolicyProps extends MinioPolicyOptions {
  /** The cluster whose provisioning Job creates the policy and attaches it. */
  readonly cluster: MinioCluster;
}

/** Ready-made statements for common bucket access. */
export class MinioPolicyStatements {
  /** List and read objects of `buckets`. */
  public static readOnly(buckets: string[]): PolicyStatement[] {
    return [
      { actions: ['s3:GetBucketLocation', 's3:ListBucket'], resources: buckets.map((b) => `arn:aws:s3:::${b}`) },
      { actions: ['s3:GetObject'], resources: buckets.map((b) => `arn:aws:s3:::${b}/*`) },
    ];
  }

  /** Write (but not read or list) objects of `buckets`: for uploaders such as cameras. */
  public static writeOnly(buckets: string[]): PolicyStatement[] {
    return [
      { actions: ['s3:GetBucketLocation'], resources: buckets.map((b) => `arn:aws:s3:::${b}`) },
      { actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], resources: buckets.map((b) => `arn:aws:s3:::${b}/*`) },
    ];
  }

  /** Full object access to `buckets` (list, read, write, delete), without bucket administration. */
  public static readWrite(buckets: string[]): PolicyStatement[] {
    return [
      { actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:ListBucketVersions'], resources: buckets.map((b) => `arn:aws:s3:::${b}`) },
      {
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: buckets.map((b) => `arn:aws:s3:::${b}/*`),
      },
    ];
  }

  private constructor() {}
}

/** Policy names MinIO ships with; they cannot be redefined. */
const BUILT_IN = ['readwrite', 'readonly', 'writeonly', 'diagnostics', 'consoleadmin'];
const ACTION = /^(s3|admin|kms|sts):[A-Za-z*]+$/;
const RESOURCE = /^arn:(aws|minio):[a-z0-9*]+:[^:]*:[^:]*:.+$/;

/**
 * An IAM policy of a {@link MinioCluster}, created by the provisioning Job (`mc admin policy create`) and attached to
 * users and groups: `cluster.addPolicy(id, options)` or `new MinioPolicy(scope, id, { cluster, ...options })`.
 */
export class MinioPolicy extends Construct {
  /** The policy name. */
  public readonly policyName: string;
  /** The statements. */
  public readonly statements: PolicyStatement[];
  private readonly _users: S3Credentials[] = [];
  private readonly _groups: MinioGroup[] = [];
  private readonly cluster: MinioCluster;

  constructor(scope: Construct, id: string, props: MinioPolicyProps) {
    super(scope, id);
    Shape.check(this, props);
    checkClusterProp(this, props.cluster, 'policy', 'addPolicy');
    this.cluster = props.cluster;
    const options: MinioPolicyOptions = props;
    this.policyName = options.name ?? id;
    if (!/^[A-Za-z0-9][A-Za-z0-9_.@+=-]{0,127}$/.test(this.policyName)) {
      throw edgeError(this, { prop: 'name', value: this.policyName, rule: 'must be 1–128 letters, digits or _.@+=- starting with a letter or digit', fix: `use a name like "${this.policyName.replace(/[^A-Za-z0-9_.@+=-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'app-rw'}"` });
    }
    if (BUILT_IN.includes(this.policyName.toLowerCase())) {
      throw edgeError(this, { prop: 'name', value: this.policyName, rule: 'is a MinIO built-in policy and cannot be redefined', fix: `use a name of your own, e.g. "${this.policyName}-custom"` });
    }
    if (options.statements.length === 0) {
      throw edgeError(this, { prop: 'statements', value: [], rule: 'a policy needs at least one statement', fix: 'add statements, e.g. MinioPolicyStatements.readWrite(["video"])' });
    }
    options.statements.forEach((s, i) => {
      const at = `statements[${i}]`;
      if (s.actions.length === 0 || s.resources.length === 0) {
        throw edgeError(this, { prop: at, value: s.sid ?? i, rule: 'needs at least one action and one resource', fix: 'name the actions and the arn:aws:s3:::bucket[/prefix*] resources' });
      }
      for (const a of s.actions) {
        if (!ACTION.test(a)) {
          throw edgeError(this, { prop: `${at}.actions`, value: a, rule: 'must look like "s3:GetObject", "s3:*" or "admin:ServerInfo"', fix: 'use an IAM action name with its service prefix' });
        }
      }
      for (const r of s.resources) {
        if (!RESOURCE.test(r)) {
          throw edgeError(this, { prop: `${at}.resources`, value: r, rule: 'must be an ARN like "arn:aws:s3:::bucket" or "arn:aws:s3:::bucket/*"', fix: `use "arn:aws:s3:::${r.replace(/^arn:aws:s3:::/, '')}"` });
        }
      }
    });
    this.statements = options.statements.map((s) => ({ ...s }));
    for (const u of options.users ?? []) this.attachToUser(u);
    for (const g of options.groups ?? []) this.attachToGroup(g);
    props.cluster._registerPolicy(this);
  }

  /** The policy document (IAM JSON). */
  public get document(): any {
    return {
      Version: '2012-10-17',
      Statement: this.statements.map((s) => ({
        ...(s.sid ? { Sid: s.sid } : {}),
        Effect: s.effect ?? PolicyEffect.ALLOW,
        Action: [...s.actions],
        Resource: [...s.resources],
        ...(s.conditions ? { Condition: s.conditions } : {}),
      })),
    };
  }

  /** Users the policy is attached to. */
  public get users(): S3Credentials[] {
    return [...this._users];
  }

  /** Groups the policy is attached to. */
  public get groups(): MinioGroup[] {
    return [...this._groups];
  }

  /**
   * Attach the policy to the user whose access keys are in `credentials` (the user is created or updated by the
   * provisioning Job, which reads the keys: they are recorded in the chart's `RequiredSecrets`).
   */
  public attachToUser(credentials: S3Credentials): void {
    this._attachToUser(credentials, `keys of a MinIO user with policy ${this.policyName}; the provisioning Job of ${this.cluster.name} creates the user from them`);
  }

  /**
   * attachToUser with the purpose recorded for the operator (a grant says whose keys they are).
   * @internal
   */
  public _attachToUser(credentials: S3Credentials, purpose: string): void {
    SecretReaders.checkS3(this, `users[${this._users.length}]`, credentials, 'a MinIO user');
    credentials.requireIn(this, { namespace: this.cluster.namespace, purpose });
    this._users.push(credentials);
  }

  /** Create `group` with its members and attach the policy to it. */
  public attachToGroup(group: MinioGroup): void {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.@+=-]{0,127}$/.test(group.name)) {
      throw edgeError(this, { prop: 'groups', value: group.name, rule: 'group names must be 1–128 letters, digits or _.@+=- (no commas or spaces)', fix: 'use a name like "cameras"' });
    }
    if (group.members.length === 0) {
      throw edgeError(this, { prop: 'groups', value: group.name, rule: 'MinIO creates a group only together with members', fix: 'list at least one member' });
    }
    group.members.forEach((m, i) => {
      SecretReaders.checkS3(this, `groups.${group.name}.members[${i}]`, m, 'a MinIO group member');
      m.requireIn(this, { namespace: this.cluster.namespace, purpose: `keys of a MinIO user in group ${group.name} (policy ${this.policyName}); the provisioning Job of ${this.cluster.name} creates the user from them` });
    });
    this._groups.push({ name: group.name, members: [...group.members] });
  }
}
