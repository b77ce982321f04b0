import { Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
// cdk-nag's own flattening, so the finding ids computed here are the ones the rule reports.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { NAG_ACKNOWLEDGEMENTS, type NagAcknowledgementKey } from './nag';

/**
 * AwsSolutions-IAM5 reports one finding per wildcard action or resource, named after the resolved value
 * (`Resource::<LogGroup1234.Arn>:*`). This computes those names from the tokens the construct granted on, so an
 * acknowledgement covers exactly the grant it explains and nothing a later change adds.
 */
export function wildcardResourceFinding(scope: IConstruct, arn: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(arn))}]`;
}

export function acknowledgeWildcards(
  scope: IConstruct,
  key: NagAcknowledgementKey,
  wildcards: { resources?: string[]; actions?: string[] },
): void {
  const { reason } = NAG_ACKNOWLEDGEMENTS[key];
  const ids = [
    ...(wildcards.resources ?? []).map((arn) => wildcardResourceFinding(scope, arn)),
    ...(wildcards.actions ?? []).map((action) => `AwsSolutions-IAM5[Action::${action}]`),
  ];
  Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
}

/**
 * For grants CDK makes on resources whose names this app does not control (the bootstrap assets bucket): finds the
 * wildcard resources of `role`'s default policy that `matches` accepts and acknowledges exactly those findings.
 */
export function acknowledgeGrantedWildcards(role: iam.Role, key: NagAcknowledgementKey, matches: (flattened: string) => boolean): string[] {
  const policy = role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
  if (!policy) return [];
  const doc = Stack.of(role).resolve(policy.document) as { Statement?: { Resource?: unknown }[] };
  const found = new Set<string>();
  for (const statement of doc.Statement ?? []) {
    const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    for (const r of resources) {
      const flat = flattenCfnReference(r);
      if (flat.includes('*') && matches(flat)) found.add(`AwsSolutions-IAM5[Resource::${flat}]`);
    }
  }
  const { reason } = NAG_ACKNOWLEDGEMENTS[key];
  Validations.of(role).acknowledge(...[...found].map((id) => ({ id, reason })));
  return [...found];
}
