// Pulumi policy pack: `pulumi preview --policy-pack policy` (or `pulumi up --policy-pack policy`).
import { PolicyPack, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { parentTypeFromUrn, rules, stackRules } from "./rules";

const resourcePolicies: ResourceValidationPolicy[] = rules.map((rule) => ({
  name: rule.name,
  description: rule.description,
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    for (const message of rule.check({ type: args.type, name: args.name, parentType: parentTypeFromUrn(args.urn, args.type), props: args.props })) {
      reportViolation(message);
    }
  },
}));

const stackPolicies: StackValidationPolicy[] = stackRules.map((rule) => ({
  name: rule.name,
  description: rule.description,
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const resources = args.resources.map((r) => ({ type: r.type, name: r.name, parentType: parentTypeFromUrn(r.urn, r.type), props: r.props }));
    for (const message of rule.check(resources)) reportViolation(message);
  },
}));

new PolicyPack("webhooks", { policies: [...resourcePolicies, ...stackPolicies] });
