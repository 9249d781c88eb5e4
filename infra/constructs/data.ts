/**
 * The tenant's single table, built from the shared table design (the local runtime builds its table from the same
 * TABLE). It holds the only copy of receipts, records and the effect ledger, so it is kept when the stack is deleted
 * or the table replaced, but removed when the first deploy rolls back (RetainExceptOnCreate). Deletion protection
 * is off for that reason: CloudFormation cannot delete a protected table, and the rollback would get stuck.
 * Point-in-time recovery keeps 35 days of history, including a backup if the table is ever deleted. The name is
 * left to CloudFormation, so a stack created again never collides with a retained table; the stack output
 * TableName names it.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE } from '../../shared/store/table-design';

const key = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

export class Data extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: key(TABLE.partitionKey),
      sortKey: key(TABLE.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE.timeToLiveAttribute,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE.gsi1.name,
      partitionKey: key(TABLE.gsi1.partitionKey),
      sortKey: key(TABLE.gsi1.sortKey),
      projectionType: dynamodb.ProjectionType.ALL,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE.gsi2.name,
      partitionKey: key(TABLE.gsi2.partitionKey),
      sortKey: key(TABLE.gsi2.sortKey),
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
}
